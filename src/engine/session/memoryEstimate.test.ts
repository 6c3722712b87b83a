// The estimate at real shapes: what a user could ask for on bloom-560m and on the bundled model.
import { describe, expect, it } from "vitest";
import { setBackend, WASM_MEMORY_BYTES } from "../backend";
import { parseModelConfig } from "../config";
import { leanBackward } from "../weights";
import { estimateStep, memoryRefusal } from "./memoryEstimate";

const bloom = parseModelConfig({
  architectures: ["BloomForCausalLM"],
  vocab_size: 250_880,
  hidden_size: 1024,
  n_layer: 24,
  n_head: 16,
  layer_norm_epsilon: 1e-5,
});
const wasm = { backend: "wasm", totalBytes: WASM_MEMORY_BYTES, tensorBytes: null };

describe("estimateStep", () => {
  it("bloom-560m at batch 8 × 512 tokens: 4.1 GB of logits, refused on wasm", () => {
    const step = estimateStep(bloom, 8, 512, 559_214_592, 1_572_864, 0);
    expect(step.logitsBytes).toBe(8 * 512 * 250_880 * 4);
    expect(memoryRefusal(step, wasm, bloom.vocabSize)).toMatch(
      /batch 8 × 512 tokens × vocabulary 250,880.*more than the wasm backend can hold \(4\.0 GB\)/,
    );
  });

  it("bloom-560m at batch 1 × 32 tokens: with a packed copy of every matrix it does not fit wasm (it aborted there when run); lean, it fits", () => {
    const step = estimateStep(bloom, 1, 32, 559_214_592, 1_572_864, 559_214_592);
    expect(memoryRefusal(step, wasm, bloom.vocabSize)).toMatch(/needs about 4\.\d GB/);
    expect(memoryRefusal(estimateStep(bloom, 1, 32, 559_214_592, 1_572_864, 0), wasm, bloom.vocabSize)).toBeNull();
    const buffer = { backend: "webgpu", totalBytes: null, tensorBytes: 128 * 1024 ** 2 };
    expect(memoryRefusal(estimateStep(bloom, 1, 256, 559_214_592, 0, 0), buffer, bloom.vocabSize)).toMatch(
      /largest buffer the webgpu backend allows \(0\.13 GB\)/,
    );
  });

  it("grows with the batch, the tokens and (quadratically, through attention) the length", () => {
    const a = estimateStep(bloom, 1, 64, 0, 0, 0).totalBytes;
    expect(estimateStep(bloom, 2, 64, 0, 0, 0).totalBytes).toBeCloseTo(2 * a, -3);
    expect(estimateStep(bloom, 1, 128, 0, 0, 0).totalBytes).toBeGreaterThan(2 * a);
  });
});

describe("leanBackward", () => {
  it("is chosen on wasm for a model whose packed copies would not fit (bloom-560m), not for a small one or on cpu", async () => {
    const small = parseModelConfig({ architectures: ["BloomForCausalLM"], vocab_size: 4096, hidden_size: 128, n_layer: 4, n_head: 4 });
    await setBackend("wasm");
    expect([leanBackward(bloom), leanBackward(small)]).toEqual([true, false]);
    await setBackend("cpu");
    expect(leanBackward(bloom)).toBe(false);
  });
});
