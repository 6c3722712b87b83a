// The frame every WGSL program of ours runs in: tfjs-webgpu's program runner (`runWebGPUProgram`),
// which declares the inputs (by `variableNames`), `result` and the uniforms, and the two layouts
// (a thread per element, a workgroup per row) the programs in gpu.ts, gpuRopeAttention.ts and
// adamw.ts use; registerGpu registers one as the webgpu form of a host kernel.

import * as tf from "@tensorflow/tfjs-core";
import { positionalInputs } from "./host";
import type { NormAttrs } from "./norms";

/** The part of tfjs-webgpu's WebGPUProgram this module fills in. */
export interface Program {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size: boolean;
  getUserCode(): string;
}
export type Uniform = { type: "int32" | "float32"; data: number[] };
export interface WebGPUBackend {
  runWebGPUProgram(program: Program, inputs: tf.TensorInfo[], dtype: "float32", uniforms?: Uniform[]): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

export const GROUP = 64;
/** WebGPU allows 65,535 workgroups per dimension: larger element counts use a second one. */
export const MAX_GROUPS = 65535;

export const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** One thread per output element (`index`), `body` written with the uniforms `H` (last axis) and its own. */
export function elementwise(key: string, inputs: string[], outputShape: number[], body: string, uniforms = ""): Program {
  const groups = Math.ceil(size(outputShape) / GROUP);
  const x = Math.min(groups, MAX_GROUPS);
  return {
    outputShape,
    shaderKey: `playground_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [x, Math.ceil(groups / x), 1],
    variableNames: inputs,
    workgroupSize: [GROUP, 1, 1],
    uniforms: `H : i32, ${uniforms}`,
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let c = index % uniforms.H;
        let n = index / uniforms.H;
        ${body}
      }`,
  };
}

/**
 * `threads` threads (a uniform `threads` the program declares in `uniforms`), each running `body` with
 * its `index`, after `helpers` (WGSL functions); the output's shape apart from the thread count.
 */
export function threadsProgram(
  key: string,
  inputs: string[],
  outputShape: number[],
  threads: number,
  uniforms: string,
  helpers: string,
  body: string,
): Program {
  const p = elementwise(key, inputs, outputShape, body, uniforms);
  const groups = Math.ceil(threads / GROUP);
  const x = Math.min(groups, MAX_GROUPS);
  return {
    ...p,
    dispatch: [x, Math.ceil(groups / x), 1],
    getUserCode: () => `
      ${helpers}
      fn main(index : i32) {
        if (index >= uniforms.threads) { return; }
        ${body}
      }`,
  };
}

/**
 * WGSL: rowSum(v), the sum of v over a workgroup of GROUP threads (`localId`, the thread in it, as
 * tfjs-webgpu's runner declares it), which every thread of the workgroup must reach.
 */
export const ROW_SUM = `
      var<workgroup> partial : array<f32, ${GROUP}>;
      fn rowSum(v : f32) -> f32 {
        partial[localId.x] = v;
        workgroupBarrier();
        for (var s = ${GROUP / 2}u; s > 0u; s = s / 2u) {
          if (localId.x < s) { partial[localId.x] = partial[localId.x] + partial[localId.x + s]; }
          workgroupBarrier();
        }
        let total = partial[0];
        workgroupBarrier();
        return total;
      }`;

/** WGSL, in a program with rowSum over rows of x (the row `n`, its length `H`, `uniforms.eps`): the row's `mean` (0 unless centred) and `rstd`, every thread's. */
export const ROW_STATS = (centred: boolean) => `
      ${
        centred
          ? `var s = 0.0;
      for (var k = i32(localId.x); k < H; k = k + ${GROUP}) { s = s + x[n * H + k]; }
      let mean = rowSum(s) / f32(H);`
          : "let mean = 0.0;"
      }
      var v = 0.0;
      for (var k = i32(localId.x); k < H; k = k + ${GROUP}) { let d = x[n * H + k] - mean; v = v + d * d; }
      let rstd = inverseSqrt(rowSum(v) / f32(H) + uniforms.eps);`;

/** One workgroup per row of H values: `body` may call rowSum(v), which every thread of the row must reach. */
export function perRow(key: string, inputs: string[], outputShape: number[], rows: number, body: string, uniforms = ""): Program {
  return {
    outputShape,
    shaderKey: `playground_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [rows, 1, 1],
    variableNames: inputs,
    workgroupSize: [GROUP, 1, 1],
    uniforms: `H : i32, ${uniforms}`,
    size: true,
    getUserCode: () => `
      ${ROW_SUM}
      fn main(index : i32) {
        let n = i32(workgroupId.x);
        let H = uniforms.H;
        ${body}
      }`,
  };
}

/** Registers the webgpu implementation of a host kernel (the names and contracts of kernels/*.ts). */
export function registerGpu<A = NormAttrs>(
  kernelName: string,
  f: (inputs: tf.TensorInfo[], b: WebGPUBackend, attrs: A) => tf.TensorInfo | tf.TensorInfo[],
) {
  if (tf.getKernel(kernelName, "webgpu")) return;
  tf.registerKernel({
    kernelName,
    backendName: "webgpu",
    kernelFunc: ({ inputs, backend, attrs }) => f(positionalInputs(inputs), backend as unknown as WebGPUBackend, attrs as unknown as A),
  });
}
