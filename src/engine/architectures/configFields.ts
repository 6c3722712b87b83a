// config.json pieces that several families read the same way (token ids, RoPE scaling) and the
// one way every family reports a bad field. Both the v4 layout (rope_theta / rope_scaling at top
// level) and the v5 layout (rope_parameters) of transformers configs are read.

import { firstIssue } from "../../core/firstIssue";
import { z } from "zod";
import { ConfigError } from "../errors";
import type { RopeScaling } from "../modelTypes";

export const tokenId = z.number().int().nullish();
export const tokenIds = z.union([z.number().int(), z.array(z.number().int())]).nullish();

export const ropeScalingSchema = z
  .object({
    type: z.string().optional(),
    rope_type: z.string().optional(),
    rope_theta: z.number().optional(),
    factor: z.number().optional(),
    low_freq_factor: z.number().optional(),
    high_freq_factor: z.number().optional(),
    original_max_position_embeddings: z.number().optional(),
  })
  .passthrough();

export function eosList(v: number | number[] | null | undefined): number[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** config.json's special-token ids, read alike by every family. */
export function specialTokenIds(c: {
  bos_token_id?: number | null;
  eos_token_id?: number | number[] | null;
  pad_token_id?: number | null;
}): { bosTokenId: number | null; eosTokenIds: number[]; padTokenId: number | null } {
  return { bosTokenId: c.bos_token_id ?? null, eosTokenIds: eosList(c.eos_token_id), padTokenId: c.pad_token_id ?? null };
}

/** Parses with `schema` or throws a ConfigError naming the first bad field. */
export function parseFields<S extends z.ZodType>(schema: S, json: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new ConfigError(`${where}: ${firstIssue(parsed.error)}; fix config.json.`);
}

export function ropeScaling(raw: z.infer<typeof ropeScalingSchema> | null | undefined, where: string): RopeScaling {
  const type = raw?.rope_type ?? raw?.type ?? "default";
  if (type === "default") return { type: "default" };
  const factor = raw?.factor ?? 1;
  if (type === "linear") return { type: "linear", factor };
  if (type === "llama3") {
    const r = raw!;
    if (r.low_freq_factor === undefined || r.high_freq_factor === undefined || r.original_max_position_embeddings === undefined) {
      throw new ConfigError(
        `${where}: rope scaling "llama3" needs factor, low_freq_factor, high_freq_factor and original_max_position_embeddings.`,
      );
    }
    return {
      type: "llama3",
      factor,
      lowFreqFactor: r.low_freq_factor,
      highFreqFactor: r.high_freq_factor,
      originalMaxPositionEmbeddings: r.original_max_position_embeddings,
    };
  }
  throw new ConfigError(`${where}: rope scaling type "${type}" is not supported (supported: default, linear, llama3).`);
}
