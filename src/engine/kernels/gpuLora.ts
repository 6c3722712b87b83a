// WebGPU programs for the low-rank half of a LoRA linear (layers.loraLinear drives them): with r
// small (8–64), the branch's products are cheaper to write out than to run as tfjs matmuls followed
// by a scaling multiply and an add, which is three dispatches each where one does. PEFT's
// lora.Linear.forward is y = x·wᵀ + b + s·(x·Aᵀ)·Bᵀ; the frozen x·wᵀ and the rank-r x·Aᵀ stay
// tfjs-webgpu's tiled matmuls (reductions over the hidden size), the rest is here:
//   ADD_LOW_RANK  y0 (+ b) + s·a·bᵀ (or s·a·b): the forward's y and the backward's dx = g·w + s·(g·B)·A;
//   SCALED_TN     s·aᵀ·c: the backward's dA = s·(g·B)ᵀ·x and dB = s·gᵀ·(x·Aᵀ), one reduction over the rows each.
// Neither has a gradient: they run inside loraLinear's customGrad, whose backward is written out.

import * as tf from "@tensorflow/tfjs-core";
import { fusedKernelActive, runHostKernel } from "./host";
import { elementwise, registerGpu } from "./gpuProgram";

export const ADD_LOW_RANK = "PlaygroundGpuAddLowRank";
export const SCALED_TN = "PlaygroundGpuScaledTN";

interface LowRankAttrs {
  scaling: number;
  /** b is [M, r] and the product a·bᵀ (the forward's B), else b is [r, M] and a·b (the backward's A). */
  transposeB: boolean;
  bias: boolean;
}

// y0 [N, M], a [N, r], b, bias [M] when attrs.bias → [N, M].
registerGpu<LowRankAttrs>(ADD_LOW_RANK, ([y0, a, b, bias], backend, attrs) => {
  const [, M] = y0.shape;
  const r = a.shape[1];
  const bAt = attrs.transposeB ? "b[c * R + k]" : "b[k * uniforms.H + c]";
  const names = attrs.bias ? ["y0", "a", "b", "bias"] : ["y0", "a", "b"];
  const program = elementwise(
    `add_low_rank_${attrs.transposeB}_${attrs.bias}`,
    names,
    y0.shape,
    `let R = uniforms.r;
      var s = 0.0;
      for (var k = 0; k < R; k = k + 1) { s = s + a[n * R + k] * ${bAt}; }
      result[index] = y0[index]${attrs.bias ? " + bias[c]" : ""} + s * uniforms.scaling;`,
    "r : i32, scaling : f32,",
  );
  return backend.runWebGPUProgram(program, attrs.bias ? [y0, a, b, bias] : [y0, a, b], "float32", [
    { type: "int32", data: [M] },
    { type: "int32", data: [r] },
    { type: "float32", data: [attrs.scaling] },
  ]);
});

// a [N, P], c [N, Q] → s·aᵀ·c [P, Q]: a thread per output, summing over the N rows.
registerGpu<{ scaling: number }>(SCALED_TN, ([a, c], backend, { scaling }) => {
  const [N, P] = a.shape;
  const Q = c.shape[1];
  const program = elementwise(
    "scaled_tn",
    ["a", "rhs"],
    [P, Q],
    `var s = 0.0;
      for (var i = 0; i < uniforms.N; i = i + 1) { s = s + a[i * uniforms.P + n] * rhs[i * uniforms.H + c]; }
      result[index] = s * uniforms.scaling;`,
    "N : i32, P : i32, scaling : f32,",
  );
  return backend.runWebGPUProgram(program, [a, c], "float32", [
    { type: "int32", data: [Q] },
    { type: "int32", data: [N] },
    { type: "int32", data: [P] },
    { type: "float32", data: [scaling] },
  ]);
});

/** y0 (+ bias) + s·a·bᵀ (transposeB) or + s·a·b. */
export function addLowRank(
  y0: tf.Tensor2D,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  scaling: number,
  transposeB: boolean,
  bias?: tf.Tensor,
): tf.Tensor2D {
  const inputs = bias ? [y0, a, b, bias] : [y0, a, b];
  return runHostKernel(ADD_LOW_RANK, inputs, { scaling, transposeB, bias: bias !== undefined })[0] as tf.Tensor2D;
}

/** s·aᵀ·c. */
export function scaledTN(a: tf.Tensor2D, c: tf.Tensor2D, scaling: number): tf.Tensor2D {
  return runHostKernel(SCALED_TN, [a, c], { scaling })[0] as tf.Tensor2D;
}

/** Whether the two programs run here (webgpu, fused kernels on); elsewhere loraLinear keeps its tfjs ops. */
export const gpuLoraActive = (): boolean => fusedKernelActive(ADD_LOW_RANK);
