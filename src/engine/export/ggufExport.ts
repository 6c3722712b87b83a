// A merged model as one GGUF file, streamed a tensor at a time: the header (general.*, the
// architecture's hyper-parameters, the tokenizer), then each tensor in llama.cpp's name and layout
// (ggufLayout.ts), encoded as the chosen type and padded to the alignment.

import { GGUF_ALIGNMENT, ggufLayout, type GgufMetadata, type GgufTensorInfo } from "../../core/export/gguf/ggufFormat";
import { BLOCK, FILE_TYPE, OUT_TYPE_GGML, encodeGgml, type GgmlTypeName, type GgufOutType } from "../../core/export/gguf/quantise";
import { tokenizerMetadata } from "../../core/export/gguf/tokenizerKeys";
import type { OutputFile } from "./hfFolder";
import { ggufArch, ggufExtraTensors, ggufHyperParameters, ggufTensors } from "./ggufLayout";
import { rowBlocks, rowReader, rowsAndWidth } from "./tensorRows";
import type { MergePlan } from "./merge";

export interface GgufOptions {
  type: GgufOutType;
  /** general.name. */
  name: string;
  tokenizerJson: unknown;
  tokenizerConfig: Record<string, unknown>;
  /** tokenizer.chat_template: the tokenizer's own, or the page's format written as one. */
  chatTemplate: string | null;
}

/**
 * The ggml type of one tensor: vectors (norms, biases) stay F32, as the converter keeps 1-D tensors;
 * a matrix whose rows are not whole blocks of a block type falls back to F16, as the converter does.
 */
export function tensorType(shape: readonly number[], out: GgufOutType): GgmlTypeName {
  if (shape.length < 2) return "F32";
  const type = OUT_TYPE_GGML[out];
  return shape[shape.length - 1] % BLOCK[type].values === 0 ? type : "F16";
}

/** Rows `first` … `first + count - 1` of the GGUF's order: row r is the checkpoint's row rowOf[r]. */
function gatherRows(
  rows: (first: number, count: number) => Float32Array,
  rowOf: Int32Array,
  first: number,
  count: number,
  width: number,
): Float32Array {
  const out = new Float32Array(count * width);
  for (let r = 0; r < count; r++) out.set(rows(rowOf[first + r], 1), r * width);
  return out;
}

export function ggufFile(path: string, plan: MergePlan, options: GgufOptions): OutputFile {
  const c = plan.config;
  const maps = ggufTensors(c);
  const planned = new Map(plan.tensors.map((t) => [t.canonical, t]));
  const extras = ggufExtraTensors(c);
  const infos: GgufTensorInfo[] = [
    ...maps.map((m) => ({ name: m.gguf, shape: m.shape, type: tensorType(m.shape, options.type) })),
    ...extras.map((e) => ({ name: e.gguf, shape: [e.values.length], type: "F32" as const })),
  ];
  const md: GgufMetadata = new Map();
  md.set("general.architecture", { kind: "string", value: ggufArch(c) });
  md.set("general.name", { kind: "string", value: options.name });
  md.set("general.file_type", { kind: "u32", value: FILE_TYPE[options.type] });
  md.set("general.quantization_version", { kind: "u32", value: 2 });
  md.set("general.alignment", { kind: "u32", value: GGUF_ALIGNMENT });
  for (const [k, v] of ggufHyperParameters(c, plan.hfConfig)) md.set(k, v);
  const fallback = { bos: c.bosTokenId, eos: c.eosTokenIds[0] ?? null, pad: c.padTokenId };
  for (const [k, v] of tokenizerMetadata(options.tokenizerJson, options.tokenizerConfig, c.vocabSize, fallback, options.chatTemplate))
    md.set(k, v);
  const layout = ggufLayout(md, infos);
  /** Zeros from the end of tensor i's `written` bytes to where the next tensor (or the file) starts. */
  function* padding(i: number, written: number) {
    const end = (i + 1 < infos.length ? layout.offsets[i + 1] : layout.dataBytes) - layout.offsets[i];
    if (end > written) yield new Uint8Array(end - written);
  }
  return {
    path,
    async *chunks() {
      yield layout.header;
      for (let i = 0; i < maps.length; i++) {
        const m = maps[i];
        const source = planned.get(m.source);
        if (!source) throw new Error(`GGUF export: the merged model has no "${m.source}"`);
        const t = await plan.read(source);
        const rows = rowReader(t);
        const [, width] = rowsAndWidth(m.shape);
        let written = 0;
        // A block of rows at a time (rows are whole ggml blocks: tensorType checks the row length).
        for (const [first, count] of rowBlocks(m.shape)) {
          const block = m.rowOf ? gatherRows(rows, m.rowOf, first, count, width) : rows(first, count);
          const bytes = encodeGgml(block, infos[i].type);
          written += bytes.length;
          yield bytes;
        }
        yield* padding(i, written);
      }
      for (let j = 0; j < extras.length; j++) {
        const bytes = encodeGgml(extras[j].values, "F32");
        yield bytes;
        yield* padding(maps.length + j, bytes.length);
      }
    },
  };
}
