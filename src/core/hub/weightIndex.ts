// Which files hold a model's weights: one model.safetensors, or shards listed by
// model.safetensors.index.json (as transformers' save_pretrained writes them above its shard size,
// https://huggingface.co/docs/transformers/main/en/big_models). PyTorch .bin files are not supported.
import { z } from "zod";
import { HubError, type HubErrorWhere } from "./errors";

export const SINGLE_WEIGHTS_FILE = "model.safetensors";
export const WEIGHTS_INDEX_FILE = "model.safetensors.index.json";

/** A shard path inside the repo: no absolute paths, no `..`, safetensors only. */
const SHARD_NAME = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[\w.-]+(?:\/[\w.-]+)*\.safetensors$/;

const indexSchema = z.object({
  metadata: z.object({ total_size: z.number().optional() }).passthrough().optional(),
  weight_map: z.record(z.string(), z.string()),
});

/**
 * The shard files of an index, each once, in name order (which is shard order: model-00001-of-…), for
 * the hub's downloads and the CLI's model folders alike; `bad` makes the error that says why not.
 */
export function shardsOfIndex(index: unknown, bad: (why: string) => Error): string[] {
  const parsed = indexSchema.safeParse(index);
  if (!parsed.success) throw bad(`has no usable weight_map (${parsed.error.issues[0]?.message ?? "invalid"})`);
  const shards = [...new Set(Object.values(parsed.data.weight_map))].sort();
  if (shards.length === 0) throw bad("lists no weight files");
  const odd = shards.find((s) => !SHARD_NAME.test(s));
  if (odd !== undefined) throw bad(`names a weight file "${odd}" that is not a plain relative .safetensors path`);
  return shards;
}

/** The hub's refusal of a repository's unusable index (shardsOfIndex's `bad`). */
export const badHubIndex = (where: HubErrorWhere) => (why: string) =>
  new HubError(
    "bad-index",
    `${WEIGHTS_INDEX_FILE} of ${where.modelId} (revision ${where.revision}) ${why}. The repository is broken or not a ` +
      `transformers model; pick another model or drop the weights on the page.`,
    { ...where, file: WEIGHTS_INDEX_FILE },
  );
