// Issue 23's WebGPU targets as ceilings: one SFT training step of each named model, narrowed
// (bench/synthetic.ts's narrowConfig: the depth, heads and vocabulary kept, the widths shrunk, which
// leaves the dispatch count as it is), in the bench harness that `npm run bench:page` drives. The
// counts do not depend on the GPU (SwiftShader here), the batch or the length.
import { expect, test } from "@playwright/test";
import { NAMED_SHAPES, SFT_SHAPE } from "../bench/engine";
import { GPU_COUNTERS, narrowConfig } from "../bench/synthetic";

/**
 * `before`: a step's dispatches before issue 23 (the issue's count for SmolLM2, the bench's for the
 * others at 3f8ef17). `ceiling`: a little above the step's count now, so that a change that adds
 * dispatches fails here while the target is open (SmolLM2 1,019, Qwen2.5 845, bloom-560m 735 after
 * the one-program norms, the grouped LoRA linears, SwiGLU's one program each way, the optimizer's
 * flat state, a LoRA linear's dA and dB in one program with the residual added in it, the residual
 * stream's gradient added in the norm's program, attention's forward in one program, Llama's dS and
 * dq in one, each frozen product with its LoRA term in one tiled program, each way, the norm before a
 * group in one program with the group's DOWN, and Llama's SwiGLU inside the programs of the linears
 * around it); the target where it is met.
 * The issue's targets a step: at most 60 queue submits (tfjs-webgpu submitted every 15 dispatches:
 * 456 for SmolLM2) and 1,000 dispatches for SmolLM2-135M's 30 layers, 800 for Qwen2.5-0.5B's and
 * bloom-560m's 24. SmolLM2's step was 6,838 dispatches before issue 23 and 2,858 after its WGSL
 * attention, LoRA programs and in-place AdamW (docs/speed.md has where the rest go).
 */
const TARGETS = [
  { model: "smollm2-135m", dispatches: 1000, submits: 60, before: 6837, ceiling: 1040 },
  { model: "qwen2.5-0.5b", dispatches: 800, submits: 60, before: 5548, ceiling: 860 },
  { model: "bloom-560m", dispatches: 800, submits: 60, before: 2817, ceiling: 800 },
];

for (const target of TARGETS) {
  test(`${target.model}: an SFT step on WebGPU within ${target.submits} submits (and, the open target, ${target.dispatches} dispatches)`, async ({
    page,
  }) => {
    test.setTimeout(600_000);
    await page.addInitScript(GPU_COUNTERS);
    await page.goto("/e2e/harness/bench.html");
    await expect(page.locator("body[data-ready=true]")).toBeAttached();
    const config = narrowConfig(NAMED_SHAPES[target.model] as Record<string, unknown>);
    const shape = { ...SFT_SHAPE, batch: 2, examples: 2, tokens: 12, trained: 6 };
    const result = await page.evaluate((req) => window.pageBench(req), {
      backend: "webgpu" as const,
      config,
      vocabSize: Number(config.vocab_size),
      shape,
      steps: 1,
    });
    const [step] = result.steps;
    console.log(`${target.model}: ${step.dispatches} dispatches, ${step.submits} submits, ${result.kernels_per_step} kernels`);
    expect(result.backend).toBe("webgpu");
    expect(step.submits).toBeLessThanOrEqual(target.submits);
    // Where the dispatch target is still open (see TARGETS) a step stays at or under its ceiling
    // (SmolLM2: 6,837 before issue 23, 1,019 now) and says how far it is from the target.
    expect(step.dispatches).toBeLessThanOrEqual(target.ceiling);
    if (step.dispatches > target.dispatches)
      test
        .info()
        .annotations.push({ type: "open target", description: `${step.dispatches} dispatches, the target is ${target.dispatches}` });
    else expect(step.dispatches).toBeLessThanOrEqual(target.dispatches);
  });
}
