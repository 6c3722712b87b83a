// The optimizer's kernels (optimizer.ts drives them): the global gradient norm's Σ x² and
// torch.optim.AdamW's update for every variable at once, on the host backends (SIMD) and on WebGPU.

import * as tf from "@tensorflow/tfjs-core";
import { elementwise, GROUP, perRow, registerGpu, size, type Uniform } from "./gpuProgram";
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

export interface AdamWAttrs {
  /** Variables in the update. */
  n: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** The bias corrections 1 − βᵗ. */
  bc1: number;
  bc2: number;
  clipCoef: number;
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
        const [decay, step] = [1 - a.lr * a.weightDecay, a.lr / a.bc1];
        k.adamw(
          p,
          g,
          mi,
          vi,
          inputs[i].length,
          a.clipCoef,
          a.beta1,
          a.beta2,
          1 - a.beta1,
          1 - a.beta2,
          a.eps,
          decay,
          step,
          Math.sqrt(a.bc2),
        );
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

/**
 * torch.optim.AdamW's update (optimizer.ts has the contract): per variable, m' and v' from m, v and
 * the clipped gradient, then p' from p and both; a program each, reading only what it needs.
 */
registerGpu<AdamWAttrs>(ADAMW, (all, b, a) => {
  const n = a.n;
  // The programs' float uniforms, named once for the WGSL struct and the values passed.
  const fields: Array<[string, number]> = [
    ["clip", a.clipCoef],
    ["beta1", a.beta1],
    ["beta2", a.beta2],
    ["oneMinusBeta1", 1 - a.beta1],
    ["oneMinusBeta2", 1 - a.beta2],
    ["eps", a.eps],
    ["decay", 1 - a.lr * a.weightDecay],
    ["step", a.lr / a.bc1],
    ["sqrtBc2", Math.sqrt(a.bc2)],
  ];
  const uniforms = fields.map(([name]) => `${name} : f32,`).join(" ");
  const values: Uniform[] = [{ type: "int32", data: [1] }, ...fields.map(([, v]): Uniform => ({ type: "float32", data: [v] }))];
  // The clipped gradient and the two moments, written once: p' recomputes both, m' and v' one each.
  const clipped = "let g = g0[index] * uniforms.clip;";
  const mNext = "m0[index] * uniforms.beta1 + g * uniforms.oneMinusBeta1";
  const vNext = "v0[index] * uniforms.beta2 + g * g * uniforms.oneMinusBeta2";
  const run = (key: string, names: string[], inputs: tf.TensorInfo[], body: string) =>
    b.runWebGPUProgram(elementwise(`adamw_${key}`, names, inputs[0].shape, body, uniforms), inputs, "float32", values);
  const [params, grads, ms, vs] = [0, 1, 2, 3].map((k) => all.slice(k * n, (k + 1) * n));
  const p2 = params.map((p, i) =>
    run(
      "p",
      ["p0", "g0", "m0", "v0"],
      [p, grads[i], ms[i], vs[i]],
      `${clipped}
      let m = ${mNext};
      let v = ${vNext};
      result[index] = p0[index] * uniforms.decay - (m / (sqrt(v) / uniforms.sqrtBc2 + uniforms.eps)) * uniforms.step;`,
    ),
  );
  const m2 = ms.map((m, i) => run("m", ["m0", "g0"], [m, grads[i]], `${clipped} result[index] = ${mNext};`));
  const v2 = vs.map((v, i) => run("v", ["v0", "g0"], [v, grads[i]], `${clipped} result[index] = ${vNext};`));
  return [...p2, ...m2, ...v2];
});
