// GGUF export: an independent reader (@huggingface/gguf) finds every tensor under llama.cpp's names with
// the right dimensions and type, and the keys llama.cpp reads; our engine reads the file back to the
// merged model's logits (f32 exactly up to rounding, f16 within 1e-2), which proves the Q/K and QKV
// reorderings are undone as they were done; Llama's reordering pairs the rows ggml's rope rotates together.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gguf } from "@huggingface/gguf";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_MODEL } from "../../core/bundledModel";
import { fixtureDir } from "../../../test/fixtures/location";
import { useCpu } from "../fixtures.testutil";
import { forward } from "../model";
import { disposeModel } from "../weights";
import { caseFiles, collect, IDS, maxDiff, type Case } from "./export.testutil";
import { ggufFile } from "./ggufExport";
import { ggufTensors, llamaRopeRows } from "./ggufLayout";
import { rowReader, rowsAndWidth } from "./tensorRows";
import { readGgufHeader } from "../../core/export/gguf/ggufFormat";
import { decodeGgml } from "../../core/export/gguf/quantise";
import { loadModelFromGguf } from "./ggufModel";
import { planMerge } from "./merge";

beforeAll(useCpu);

const folder = join(fixtureDir("tiny-llama"), "../../../public", BUNDLED_MODEL.folder);
const tokenizerJson = JSON.parse(readFileSync(join(folder, "tokenizer.json"), "utf8"));
const tokenizerConfig = JSON.parse(readFileSync(join(folder, "tokenizer_config.json"), "utf8"));

/** llama.cpp's tensor names (gguf-py constants.py MODEL_TENSOR / TENSOR_NAMES) per layer, by family. */
const LAYER_TENSORS: Record<string, string[]> = {
  llama: [
    "attn_norm.weight",
    "attn_q.weight",
    "attn_k.weight",
    "attn_v.weight",
    "attn_output.weight",
    "ffn_norm.weight",
    "ffn_gate.weight",
    "ffn_up.weight",
    "ffn_down.weight",
  ],
  qwen2: [
    "attn_norm.weight",
    "attn_q.weight",
    "attn_q.bias",
    "attn_k.weight",
    "attn_k.bias",
    "attn_v.weight",
    "attn_v.bias",
    "attn_output.weight",
    "ffn_norm.weight",
    "ffn_gate.weight",
    "ffn_up.weight",
    "ffn_down.weight",
  ],
  qwen3: [
    "attn_norm.weight",
    "attn_q.weight",
    "attn_k.weight",
    "attn_v.weight",
    "attn_output.weight",
    "attn_q_norm.weight",
    "attn_k_norm.weight",
    "ffn_norm.weight",
    "ffn_gate.weight",
    "ffn_up.weight",
    "ffn_down.weight",
  ],
  bloom: [
    "attn_norm.weight",
    "attn_norm.bias",
    "attn_qkv.weight",
    "attn_qkv.bias",
    "attn_output.weight",
    "attn_output.bias",
    "ffn_norm.weight",
    "ffn_norm.bias",
    "ffn_up.weight",
    "ffn_up.bias",
    "ffn_down.weight",
    "ffn_down.bias",
  ],
};
const GLOBAL_TENSORS: Record<string, string[]> = {
  llama: ["token_embd.weight", "output_norm.weight"],
  qwen2: ["token_embd.weight", "output_norm.weight", "output.weight"],
  qwen3: ["token_embd.weight", "output_norm.weight"],
  // BLOOM's graph needs output.weight: the converter writes the tied embedding again.
  bloom: ["token_embd.weight", "token_embd_norm.weight", "token_embd_norm.bias", "output_norm.weight", "output_norm.bias", "output.weight"],
};
const SHARED_KEYS = [
  "context_length",
  "embedding_length",
  "block_count",
  "feed_forward_length",
  "attention.head_count",
  "attention.head_count_kv",
];
const ARCH_KEYS: Record<string, string[]> = {
  llama: [...SHARED_KEYS, "rope.freq_base", "attention.layer_norm_rms_epsilon", "rope.dimension_count", "vocab_size"],
  bloom: [...SHARED_KEYS, "attention.layer_norm_epsilon"],
};
const TOKENIZER_KEYS = [
  "model",
  "pre",
  "tokens",
  "scores",
  "token_type",
  "merges",
  "bos_token_id",
  "eos_token_id",
  "padding_token_id",
  "add_bos_token",
].map((k) => `tokenizer.ggml.${k}`);

const CASES: Array<[string, Case]> = [
  ["llama", { spec: { arch: "LlamaForCausalLM", heads: 4, kvHeads: 2, tied: true } }],
  ["qwen2", { spec: { arch: "Qwen2ForCausalLM" }, added: 1 }],
  ["qwen3", { spec: { arch: "Qwen3ForCausalLM", tied: true, headDim: 16 } }],
  ["bloom", { spec: { arch: "BloomForCausalLM", tied: true } }],
];

async function exported(c: Case, type: "f32" | "f16" | "q8_0") {
  const { base, adapter, logits } = await caseFiles(c);
  const plan = await planMerge(base, adapter);
  const bytes = await collect(ggufFile("m.gguf", plan, { type, name: "test", tokenizerJson, tokenizerConfig, chatTemplate: "{{ x }}" }));
  return { bytes, logits, plan };
}

async function readBack(bytes: Uint8Array): Promise<Float32Array> {
  const { model } = await loadModelFromGguf(bytes, "m.gguf");
  const logits = tf.tidy(() => forward(model, IDS).dataSync() as Float32Array);
  disposeModel(model);
  return logits;
}

describe("GGUF export", () => {
  it.each(CASES)("%s: @huggingface/gguf reads every tensor and key; the engine reads back the merged logits", async (family, c) => {
    const { bytes, logits, plan } = await exported(c, "f32");
    const file = join(mkdtempSync(join(tmpdir(), "gguf-")), "m.gguf");
    writeFileSync(file, bytes);
    const parsed = await gguf(file, { allowLocalFile: true });
    const layers = plan.config.numLayers;
    const want = [
      ...GLOBAL_TENSORS[family],
      ...Array.from({ length: layers }, (_, i) => LAYER_TENSORS[family].map((t) => `blk.${i}.${t}`)).flat(),
    ];
    expect(parsed.tensorInfos.map((t) => t.name).sort()).toEqual(want.sort());
    const embd = parsed.tensorInfos.find((t) => t.name === "token_embd.weight")!;
    expect(embd.shape.map(Number)).toEqual([plan.config.hiddenSize, plan.config.vocabSize]); // ggml order: innermost first
    const md = parsed.metadata as Record<string, unknown>;
    expect(md["general.architecture"]).toBe(family);
    expect(md.version).toBe(3);
    for (const k of ARCH_KEYS[family === "bloom" ? "bloom" : "llama"]) expect(md, k).toHaveProperty([`${family}.${k}`]);
    for (const k of TOKENIZER_KEYS) expect(md, k).toHaveProperty([k]);
    expect(md["tokenizer.ggml.model"]).toBe("gpt2");
    expect((md["tokenizer.ggml.tokens"] as string[]).length).toBe(plan.config.vocabSize);
    expect(md["tokenizer.chat_template"]).toBe("{{ x }}");
    // Tensor data starts at multiples of the alignment.
    for (const t of parsed.tensorInfos) expect(Number(t.offset) % 32).toBe(0);
    expect(maxDiff(await readBack(bytes), logits)).toBeLessThan(1e-5);
  });

  it("f16 reads back within 1e-2 of the merged logits", async () => {
    const f16 = await exported(CASES[0][1], "f16");
    expect(maxDiff(await readBack(f16.bytes), f16.logits)).toBeLessThan(1e-2);
  });

  it("q8_0 holds every merged weight, in llama.cpp's row order, within ggml's step of its 32-value block", async () => {
    const { bytes, plan } = await exported(CASES[0][1], "q8_0");
    const header = readGgufHeader(bytes);
    const infos = new Map(header.tensors.map((t) => [t.name, t]));
    const planned = new Map(plan.tensors.map((t) => [t.canonical, t]));
    let quantised = 0;
    for (const m of ggufTensors(plan.config)) {
      const info = infos.get(m.gguf)!;
      const [rows, width] = rowsAndWidth(m.shape);
      const merged = rowReader(await plan.read(planned.get(m.source)!))(0, rows);
      // The merged weights in the file's row order, by the row order's definition (GGUF row r = checkpoint row rowOf[r]).
      const want = new Float32Array(merged.length);
      for (let r = 0; r < rows; r++) want.set(merged.subarray((m.rowOf?.[r] ?? r) * width, ((m.rowOf?.[r] ?? r) + 1) * width), r * width);
      const at = header.dataStart + info.offset;
      const got = decodeGgml(bytes.subarray(at, at + info.bytes), info.type, want.length);
      if (info.type === "F32") {
        expect(maxDiff(got, want), m.gguf).toBe(0); // vectors stay F32
        continue;
      }
      if (info.type === "F16") {
        // Rows that are not whole 32-value blocks (ffn_down's 48 here) fall back to F16, as the converter does.
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(Math.abs(want[i]) * 2 ** -11 + 1e-7);
        continue;
      }
      expect(info.type, m.gguf).toBe("Q8_0");
      quantised++;
      for (let b = 0; b < want.length / 32; b++) {
        const block = want.subarray(b * 32, b * 32 + 32);
        const amax = Math.max(...Array.from(block, Math.abs));
        const bound = ((0.5 + 127 / 2048) / 127) * amax * (1 + 2 ** -9);
        for (let j = 0; j < 32; j++) expect(Math.abs(got[b * 32 + j] - block[j])).toBeLessThanOrEqual(bound);
      }
    }
    expect(quantised).toBeGreaterThan(10);
  });

  it("Llama 3.1's RoPE scaling goes as rope_freqs: 1 for short wavelengths, `factor` for long ones, the blend between", async () => {
    const rope = { rope_type: "llama3", factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 512 };
    const c: Case = {
      spec: { arch: "LlamaForCausalLM", extra: { rope_theta: 500000, rope_scaling: rope, max_position_embeddings: 2048 } },
    };
    const { bytes } = await exported(c, "f32");
    const header = readGgufHeader(bytes);
    const info = header.tensors.find((t) => t.name === "rope_freqs.weight")!;
    expect(info.shape).toEqual([4]); // head_dim 8: one factor per rotated pair
    const got = Array.from(decodeGgml(bytes.subarray(header.dataStart + info.offset), "F32", 4));
    // Wavelengths 2π·500000^(2i/8): 6.3 and 167 (under 512/4 = 128 for i = 0 only), 4443 and 118,000 (over 512/1).
    const wavelen = 2 * Math.PI * 500000 ** (2 / 8);
    const smooth = (512 / wavelen - 1) / (4 - 1);
    expect(got[0]).toBe(1);
    expect(got[1]).toBeCloseTo(1 / ((1 - smooth) / 8 + smooth), 5);
    expect(got.slice(2)).toEqual([8, 8]);
    await expect(loadModelFromGguf(bytes, "m.gguf")).rejects.toThrow(/rope_freqs/);
  });

  it("Llama's Q/K rows: each pair ggml's rope rotates together is a pair transformers rotates (i, i + d/2)", () => {
    const d = 8;
    const rowOf = llamaRopeRows(2 * d, 2);
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < d / 2; i++) {
        expect(rowOf[h * d + 2 * i]).toBe(h * d + i);
        expect(rowOf[h * d + 2 * i + 1]).toBe(h * d + i + d / 2);
      }
  });
});
