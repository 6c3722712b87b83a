// The optimizer's kernels (optimizer.ts drives them): the global gradient norm's Σ x² and
// torch.optim.AdamW's update for every variable at once, on the host backends (SIMD) and on WebGPU.

import * as tf from "@tensorflow/tfjs-core";
import { GROUP, perRow, registerGpu, size, type Uniform } from "./gpuProgram";
import { registerHostKernel } from "./host";
import { withSimd } from "./simd/simd";

/** Σ x² over every input: one host kernel for the global norm instead of three ops per gradient. */
export const SUM_OF_SQUARES = "PlaygroundSumOfSquares";
registerHostKernel<object>(
  SUM_OF_SQUARES,
  () => [[]],
  (inputs, [out]) => {
    let s = 0;
    for (const x of inputs) for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    out[0] = s;
  },
);

/** torch.optim.AdamW's hyper-parameters. */
export interface AdamWOptions {
  /** Peak learning rate. */
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** One update's: the options at this step's learning rate, and what the step adds. */
export interface AdamWAttrs extends AdamWOptions {
  /** Variables in the update. */
  n: number;
  /** The bias corrections 1 − βᵗ. */
  bc1: number;
  bc2: number;
  clipCoef: number;
}

/**
 * The update's constants in the order the SIMD kernel and gpuAdamW.ts's shader take them: the clip
 * coefficient, β₁, β₂, 1 − β₁, 1 − β₂, ε, the decay 1 − lr·λ, the step lr / (1 − β₁ᵗ), √(1 − β₂ᵗ).
 */
export function adamwConstants(a: AdamWAttrs): [number, number, number, number, number, number, number, number, number] {
  return [a.clipCoef, a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, a.eps, 1 - a.lr * a.weightDecay, a.lr / a.bc1, Math.sqrt(a.bc2)];
}

/**
 * torch.optim.AdamW's update (the single-tensor path of torch/optim/adamw.py) for every variable in
 * one host kernel: inputs p₀…, g₀…, m₀…, v₀…; outputs p'₀…, m'₀…, v'₀…. Same order of operations as
 * the composed path below, in float32 as torch computes it (SIMD, assembly/index.ts).
 */
export const ADAMW = "PlaygroundAdamW";
registerHostKernel<AdamWAttrs>(
  ADAMW,
  (shapes, { n }) => [...shapes.slice(0, n), ...shapes.slice(0, n), ...shapes.slice(0, n)],
  (inputs, outputs, a) =>
    withSimd((k, m) => {
      for (let i = 0; i < a.n; i++) {
        const [p, g, mi, vi] = [inputs[i], inputs[a.n + i], inputs[2 * a.n + i], inputs[3 * a.n + i]].map((t) => m.put(t));
        k.adamw(p, g, mi, vi, inputs[i].length, ...adamwConstants(a));
        m.get(p, outputs[i]);
        m.get(mi, outputs[a.n + i]);
        m.get(vi, outputs[2 * a.n + i]);
      }
    }),
);

/**
 * Σ x² over every input (the global gradient norm's square): a chain of one-workgroup programs, each
 * adding the sums of up to SQUARES_PER_PROGRAM tensors to the running total it reads. WebGPU's
 * default limit of 8 storage buffers a shader stage (tfjs-webgpu does not ask for more) holds the
 * output, the total and six tensors; one program per tensor was 210 dispatches for SmolLM2's adapter.
 */
const SQUARES_PER_PROGRAM = 6;
registerGpu<object>(SUM_OF_SQUARES, (tensors, b) => {
  let total: tf.TensorInfo | null = null;
  for (let start = 0; start < tensors.length; start += SQUARES_PER_PROGRAM) {
    const group = tensors.slice(start, start + SQUARES_PER_PROGRAM);
    const names = group.map((_, i) => `x${i}`);
    const loops = names
      .map((x, i) => `for (var k = i32(localId.x); k < uniforms.n${i}; k = k + ${GROUP}) { let v = ${x}[k]; s = s + v * v; }`)
      .join("\n      ");
    const program = perRow(
      `sum_of_squares_${group.length}_${total !== null}`,
      total ? [...names, "total"] : names,
      [],
      1,
      `
      var s = 0.0;
      ${loops}
      let all = rowSum(s);
      if (localId.x == 0u) { result[0] = all${total ? " + total[0]" : ""}; }`,
      names.map((_, i) => `n${i} : i32,`).join(" "),
    );
    const sizes = group.map((t): Uniform => ({ type: "int32", data: [size(t.shape)] }));
    const next = b.runWebGPUProgram(program, total ? [...group, total] : group, "float32", [{ type: "int32", data: [1] }, ...sizes]);
    if (total) b.disposeData(total.dataId);
    total = next;
  }
  return total!;
});
