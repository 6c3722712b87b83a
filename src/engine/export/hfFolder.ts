// The merged model as a Hugging Face model folder, file by file, each file a stream of chunks (a
// tensor at a time), so that the CLI writes it to disk and the page to a zip on disk without either
// holding the model: config.json, model.safetensors (or model-0000i-of-0000n.safetensors with
// model.safetensors.index.json past `shardBytes`, as save_pretrained's max_shard_size), the
// tokenizer files, generation_config.json and the model card.

import { encodeTensor, safetensorsPrefix, storedBytes, type StorageDtype, type TensorLayout } from "../safetensors";
import type { MergePlan, PlannedTensor } from "./merge";
import { rowBlocks, rowReader } from "./tensorRows";

/** One output file: its name in the folder, and its bytes as they are produced. */
export interface OutputFile {
  path: string;
  chunks(): AsyncGenerator<Uint8Array>;
}

/** A file whose content is at hand. */
export function textFile(path: string, text: string | Uint8Array): OutputFile {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  return {
    path,
    async *chunks() {
      yield bytes;
    },
  };
}

/** save_pretrained's default max_shard_size ("5GB"). */
export const DEFAULT_SHARD_BYTES = 5_000_000_000;

export const MERGE_DTYPES = ["bf16", "f16", "f32"] as const;
export type MergeDtype = (typeof MERGE_DTYPES)[number];
const STORAGE: Record<MergeDtype, StorageDtype> = { bf16: "BF16", f16: "F16", f32: "F32" };
/** config.json's torch_dtype for a storage dtype. */
const TORCH_DTYPE: Record<StorageDtype, string> = { BF16: "bfloat16", F16: "float16", F32: "float32" };

export interface FolderOptions {
  /** Storage dtype of every tensor; default: each tensor's dtype in the base checkpoint. */
  dtype?: MergeDtype;
  shardBytes?: number;
  /** tokenizer.json, tokenizer_config.json, … by file name. */
  tokenizerFiles: Record<string, string>;
  /** The base's generation_config.json; null writes one with the config's special ids (what save_pretrained derives). */
  generationConfig: string | null;
  /** README.md. */
  modelCard: string;
}

/** Splits tensors into shards of at most `limit` bytes (a tensor larger than the limit gets a shard of its own). */
function shards(layout: TensorLayout[], limit: number): TensorLayout[][] {
  const out: TensorLayout[][] = [[]];
  let size = 0;
  for (const t of layout) {
    const bytes = storedBytes(t.dtype, t.shape);
    if (size > 0 && size + bytes > limit) {
      out.push([]);
      size = 0;
    }
    out.at(-1)!.push(t);
    size += bytes;
  }
  return out;
}

function safetensorsFile(path: string, layout: TensorLayout[], plan: MergePlan, byName: Map<string, PlannedTensor>): OutputFile {
  return {
    path,
    async *chunks() {
      yield safetensorsPrefix(layout);
      for (const l of layout) {
        const t = await plan.read(byName.get(l.name)!);
        // Untouched and kept in its dtype: the base's bytes go out as they are.
        if (t.raw && t.storedAs === l.dtype) {
          yield t.raw;
          continue;
        }
        const rows = rowReader(t);
        for (const [first, count] of rowBlocks(t.shape)) yield encodeTensor(rows(first, count), l.dtype);
      }
    },
  };
}

function defaultGenerationConfig({ config: c }: MergePlan): string {
  const eos = c.eosTokenIds.length === 1 ? c.eosTokenIds[0] : c.eosTokenIds.length ? c.eosTokenIds : null;
  return `${JSON.stringify({ bos_token_id: c.bosTokenId, eos_token_id: eos, pad_token_id: c.padTokenId }, null, 2)}\n`;
}

export function mergedFolderFiles(plan: MergePlan, options: FolderOptions): OutputFile[] {
  const dtypeOf = (t: PlannedTensor) => (options.dtype ? STORAGE[options.dtype] : t.storedAs);
  const layout = plan.tensors.map((t) => ({ name: t.name, dtype: dtypeOf(t), shape: t.shape }));
  const byName = new Map(plan.tensors.map((t) => [t.name, t]));
  const groups = shards(layout, options.shardBytes ?? DEFAULT_SHARD_BYTES);
  const weights: OutputFile[] = [];
  if (groups.length === 1) weights.push(safetensorsFile("model.safetensors", groups[0], plan, byName));
  else {
    const n = String(groups.length).padStart(5, "0");
    const weightMap: Record<string, string> = {};
    groups.forEach((group, i) => {
      const file = `model-${String(i + 1).padStart(5, "0")}-of-${n}.safetensors`;
      for (const t of group) weightMap[t.name] = file;
      weights.push(safetensorsFile(file, group, plan, byName));
    });
    const totalSize = layout.reduce((s, t) => s + storedBytes(t.dtype, t.shape), 0);
    weights.push(
      textFile(
        "model.safetensors.index.json",
        `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`,
      ),
    );
  }
  const dtypes = new Set(layout.filter((t) => t.shape.length > 1).map((t) => t.dtype));
  const config = { ...plan.hfConfig, torch_dtype: TORCH_DTYPE[[...dtypes][0] ?? "F32"] };
  return [
    textFile("config.json", `${JSON.stringify(config, null, 2)}\n`),
    textFile("generation_config.json", options.generationConfig ?? defaultGenerationConfig(plan)),
    ...Object.entries(options.tokenizerFiles).map(([name, text]) => textFile(name, text)),
    textFile("README.md", options.modelCard),
    ...weights,
  ];
}
