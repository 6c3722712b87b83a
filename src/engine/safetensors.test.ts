// safetensors reading (bytes, Blob, shards), writing, and every error case's message;
// config.json parsing and its rejections.

import { describe, expect, it } from "vitest";
import { parseModelConfig } from "./config";
import { ConfigError, MissingTensorError, SafetensorsError } from "./errors";
import { f16ToF32, f32ToBf16, f32ToF16 } from "../core/float16";
import { randomConfigJson, randomWeights } from "./randomModel.testutil";
import { readHeader, readSafetensors, writeSafetensors, type F32Tensor } from "./safetensors";
import { readAllTensors } from "./safetensorsSources";
import { disposeModel, loadModelFromFiles } from "./weights";
import { useCpu } from "./fixtures.testutil";

const values = Float32Array.from([0, 1, -2.5, 1e-3, 65504, -1e-7, 3.14159, 123456.789]);
const sample = (storedAs?: "F32" | "F16" | "BF16") =>
  new Map<string, F32Tensor>([
    ["a.weight", { shape: [2, 4], data: values, storedAs }],
    ["b", { shape: [1], data: Float32Array.from([7]), storedAs }],
  ]);

describe("round trips", () => {
  it.each(["F32", "F16", "BF16"] as const)("%s: bytes and Blob readers agree", async (dtype) => {
    const bytes = writeSafetensors(sample(dtype));
    const round =
      dtype === "F32"
        ? Math.fround
        : dtype === "F16"
          ? (v: number) => f16ToF32(f32ToF16(v))
          : (v: number) => new Float32Array(new Uint32Array([f32ToBf16(v) << 16]).buffer)[0];
    const expected = Array.from(values, round);
    for (const got of [readSafetensors(bytes), await readAllTensors(new Blob([bytes as Uint8Array<ArrayBuffer>]), "blob")]) {
      expect(Array.from(got.get("a.weight")!.data)).toEqual(expected);
      expect(got.get("a.weight")!.shape).toEqual([2, 4]);
      expect(got.get("b")!.storedAs).toBe(dtype);
    }
    expect(readHeader(bytes).metadata).toEqual({ format: "pt" });
  });

  it("F16 conversion handles subnormals, infinities and rounding to even", () => {
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(f32ToF16(65520)).toBe(0x7c00); // rounds up to infinity, as torch does
    expect(f32ToF16(2 ** -24)).toBe(0x0001);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie → even
  });

  it("a sharded checkpoint loads from several sources", async () => {
    await useCpu();
    const json = randomConfigJson({ arch: "LlamaForCausalLM" });
    const all = [...randomWeights(json, 0.1, 1, "F32")];
    const half = Math.floor(all.length / 2);
    const model = await loadModelFromFiles(json, [
      { name: "model-00001-of-00002.safetensors", source: writeSafetensors(new Map(all.slice(0, half))) },
      {
        name: "model-00002-of-00002.safetensors",
        source: new Blob([writeSafetensors(new Map(all.slice(half))) as Uint8Array<ArrayBuffer>]),
      },
    ]);
    expect(model.weights.size).toBe(all.length);
    disposeModel(model);
  });
});

describe("reader errors say what, where and what to do", () => {
  const good = writeSafetensors(sample());

  it("truncated file", async () => {
    expect(() => readSafetensors(good.subarray(0, 5), "x.safetensors")).toThrow(/x\.safetensors: truncated safetensors file.*re-download/);
    expect(() => readSafetensors(good.subarray(0, 40), "x.safetensors")).toThrow(/truncated safetensors file: header needs/);
    await expect(readAllTensors(new Blob([good.subarray(0, good.length - 3) as Uint8Array<ArrayBuffer>]), "s")).rejects.toThrow(
      /s: tensor "b" ends at data byte 36, outside the file's 33-byte data section.*re-download/,
    );
  });

  it("header over 100 MB", () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setBigUint64(0, 200_000_000n, true);
    expect(() => readSafetensors(bytes, "big")).toThrow(SafetensorsError);
    expect(() => readSafetensors(bytes, "big")).toThrow(/big: safetensors header claims 200000000 bytes, over the 100000000-byte limit/);
  });

  it("offsets outside the file", () => {
    const bytes = good.slice(0, good.length - 4); // header intact, data cut short
    expect(() => readSafetensors(bytes, "f")).toThrow(/f: tensor "b" ends at data byte 36, outside the file's 32-byte data section/);
  });

  it("unknown dtype", () => {
    const header = JSON.stringify({ t: { dtype: "I64", shape: [1], data_offsets: [0, 8] } });
    const bytes = new Uint8Array(8 + header.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(new TextEncoder().encode(header), 8);
    expect(() => readSafetensors(bytes, "i")).toThrow(/i: tensor "t" has dtype "I64"; only F32, F16 and BF16 are supported/);
  });

  it("tensor missing for the config, or of the wrong shape", async () => {
    await useCpu();
    const json = randomConfigJson({ arch: "Qwen2ForCausalLM" });
    const weights = randomWeights(json, 0.1, 1, "F32");
    weights.delete("model.layers.1.self_attn.k_proj.bias");
    await expect(loadModelFromFiles(json, [{ name: "m.safetensors", source: writeSafetensors(weights) }])).rejects.toThrow(
      /m\.safetensors: missing 1 tensor\(s\) required by config\.json \(Qwen2ForCausalLM\), first: model\.layers\.1\.self_attn\.k_proj\.bias/,
    );
    weights.set("model.norm.weight", { shape: [3], data: new Float32Array(3) });
    await expect(loadModelFromFiles(json, [{ name: "m", source: writeSafetensors(weights) }])).rejects.toThrow(MissingTensorError);
  });
});

describe("config.json", () => {
  it("rejects other architectures by name", () => {
    expect(() => parseModelConfig({ architectures: ["GPT2LMHeadModel"] })).toThrow(ConfigError);
    expect(() => parseModelConfig({ architectures: ["GPT2LMHeadModel"] })).toThrow(
      /"GPT2LMHeadModel" is not supported; supported: BloomForCausalLM, LlamaForCausalLM/,
    );
  });

  it("reads Llama 3 rope scaling (v4 layout), GQA and head_dim; Qwen3 defaults head_dim to 128", () => {
    const c = parseModelConfig({
      ...randomConfigJson({ arch: "LlamaForCausalLM", heads: 8, kvHeads: 2 }),
      rope_theta: 500000,
      rope_scaling: { rope_type: "llama3", factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 },
      tie_word_embeddings: true,
    });
    expect(c).toMatchObject({ numHeads: 8, numKvHeads: 2, headDim: 4, ropeTheta: 500000, tieWordEmbeddings: true });
    expect(c.ropeScaling).toEqual({ type: "llama3", factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 });
    const q3 = parseModelConfig({ ...randomConfigJson({ arch: "Qwen3ForCausalLM" }), head_dim: undefined });
    expect(q3).toMatchObject({ headDim: 128, qkNorm: true, qkvBias: false });
    expect(() =>
      parseModelConfig({ ...randomConfigJson({ arch: "LlamaForCausalLM" }), rope_scaling: { rope_type: "yarn", factor: 4 } }),
    ).toThrow(/rope scaling type "yarn" is not supported/);
  });
});
