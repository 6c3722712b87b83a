// Reading a GGUF back into the engine (to check an export, or to run a GGUF made here): the header
// gives config.json's fields (ggufLayout.hfConfigFromGguf), each tensor is dequantised to float32 and
// put back in the checkpoint's name and row order (Llama's Q/K permutation and BLOOM's fused QKV
// undone), and the tokenizer comes from tokenizer.huggingface.json with a tokenizer_config.json made
// from the tokenizer.ggml.* keys.

import { GgufNeedMore, readGgufHeader, type GgufHeader } from "../../core/export/gguf/ggufFormat";
import { decodeGgml } from "../../core/export/gguf/quantise";
import { parseModelConfig } from "../config";
import type { CausalLM } from "../modelTypes";
import { loadModelFromTensors } from "../weights";
import { ggufTensors, hfConfigFromGguf, unpermuteRows } from "./ggufLayout";

type Source = Uint8Array | Blob;

async function bytesOf(source: Source, begin: number, end: number): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source.subarray(begin, Math.min(end, source.length));
  return new Uint8Array(await source.slice(begin, end).arrayBuffer());
}

const sizeOf = (source: Source) => (source instanceof Uint8Array ? source.length : source.size);

/** Parses the header, reading more of the file while it runs past what was read. */
export async function readGgufFileHeader(source: Source, name: string): Promise<GgufHeader> {
  for (let n = 1 << 20; ; n *= 4) {
    try {
      return readGgufHeader(await bytesOf(source, 0, n), name);
    } catch (e) {
      if (!(e instanceof GgufNeedMore) || n >= sizeOf(source)) throw e;
    }
  }
}

/** The files a PlaygroundTokenizer is made from, as the GGUF keeps them; null without tokenizer.huggingface.json. */
export function ggufTokenizerFiles(header: GgufHeader): { tokenizerJson: unknown; tokenizerConfig: Record<string, unknown> } | null {
  const md = header.metadata;
  const json = md.get("tokenizer.huggingface.json");
  if (typeof json !== "string") return null;
  const tokens = (md.get("tokenizer.ggml.tokens") ?? []) as string[];
  const text = (key: string) => {
    const id = md.get(`tokenizer.ggml.${key}`);
    return typeof id === "number" ? (tokens[id] ?? null) : null;
  };
  const config: Record<string, unknown> = {
    bos_token: text("bos_token_id"),
    eos_token: text("eos_token_id"),
    unk_token: text("unknown_token_id"),
    pad_token: text("padding_token_id"),
    add_bos_token: md.get("tokenizer.ggml.add_bos_token") ?? false,
    add_eos_token: md.get("tokenizer.ggml.add_eos_token") ?? false,
  };
  const template = md.get("tokenizer.chat_template");
  if (typeof template === "string") config.chat_template = template;
  return { tokenizerJson: JSON.parse(json), tokenizerConfig: config };
}

/** Loads a GGUF's model into the engine, dequantising each tensor as it is read. */
export async function loadModelFromGguf(source: Source, name: string): Promise<{ model: CausalLM; header: GgufHeader }> {
  const header = await readGgufFileHeader(source, name);
  const infos = new Map(header.tensors.map((t) => [t.name, t]));
  const hfConfig = hfConfigFromGguf(header.metadata, new Set(infos.keys()), name);
  const config = parseModelConfig(hfConfig, name);
  const model = await loadModelFromTensors(hfConfig, name, { ropeBufferDtype: "F32" }, async (visit) => {
    for (const m of ggufTensors(config)) {
      const info = infos.get(m.gguf);
      if (!info) throw new Error(`${name}: tensor "${m.gguf}" is missing; the file is incomplete or not from a ${config.architecture}.`);
      if (info.shape.join(",") !== m.shape.join(","))
        throw new Error(`${name}: tensor "${m.gguf}" is [${info.shape}], but the header's hyper-parameters imply [${m.shape}].`);
      const at = header.dataStart + info.offset;
      let data = decodeGgml(
        await bytesOf(source, at, at + info.bytes),
        info.type,
        m.shape.reduce((a, b) => a * b, 1),
      );
      if (m.rowOf) data = unpermuteRows(data, m.rowOf, data.length / m.rowOf.length);
      visit(m.source, { shape: m.shape, data }, name);
    }
  });
  return { model, header };
}
