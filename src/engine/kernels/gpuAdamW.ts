// torch.optim.AdamW's update and the global gradient norm on WebGPU (optimizer.ts has the contract,
// adamw.ts the host kernel), over a flat state [g | m | v] that holds every adapter tensor's gradient
// and both moments one after another (tensor i at offset oᵢ of each third). A program binds at most 8
// storage buffers (WebGPU's default, which tfjs-webgpu does not raise), so per tensor the update
// needed p, g, m and v (two tensors a dispatch, 210 for SmolLM2's 420 LoRA tensors) and the norm's
// Σ g² six tensors a program (70). With the state one buffer, a dispatch takes seven tensors and it:
//   GATHER  copies seven gradients into the state's g third (those a backward did not write there:
//           the gradient programs write into an open GradientSink as they make them);
//   NORM    Σ g² over the g third, one program;
//   UPDATE  updates seven parameters in place and their moments in the state.
// For SmolLM2: 60 + 1 + 60 dispatches. The programs are our own (gpuPipeline.ts), recorded into
// tfjs-webgpu's pass; in place is safe, as the parameters and the state are the optimizer's own
// tensors, and the kernels' outputs share their data as tfjs-webgpu's Identity does.

import * as tf from "@tensorflow/tfjs-core";
import { adamwConstants, type AdamWAttrs } from "./adamw";
import { GROUP, perRow, registerGpu } from "./gpuProgram";
import { ints, record, shared, type MultiProgram } from "./gpuPipeline";

export const ADAMW_GATHER = "PlaygroundGpuAdamWGather";
export const ADAMW_NORM = "PlaygroundGpuAdamWNorm";
export const ADAMW_UPDATE = "PlaygroundGpuAdamWUpdate";

/** Tensors a dispatch: seven and the state make WebGPU's default 8 storage buffers. */
const PER_DISPATCH = 7;

/** Each tensor's offset in a third of the state, and the third's length. */
export function flatOffsets(shapes: number[][]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const s of shapes) {
    offsets.push(total);
    total += tf.util.sizeFromShape(s);
  }
  return { offsets, total };
}

/**
 * Where a backward pass may write the adapter's gradients straight into the flat state (AdamW.collect):
 * the state, each parameter's offset in its g third, and the gradient tensors written there so far
 * (by data, with their offsets), which the gather then skips. One micro-batch a step: accumulated
 * gradients are new tensors, which the gather copies as before.
 */
export interface GradientSink {
  state: tf.Tensor;
  offsets: Map<tf.Tensor, number>;
  written: Map<tf.DataId, number>;
}
let activeSink: GradientSink | null = null;

/** f() with `sink` open to the gradient programs (gpuLoraGroup.ts). */
export function withGradientSink<T>(sink: GradientSink, f: () => T): T {
  activeSink = sink;
  try {
    return f();
  } finally {
    activeSink = null;
  }
}

/** The open sink and the offsets of `params` in it, when it holds every one of them; null otherwise. */
export function sinkFor(params: tf.Tensor[]): { state: tf.Tensor; offsets: number[]; written: Map<tf.DataId, number> } | null {
  const offsets = params.map((p) => activeSink?.offsets.get(p));
  if (!activeSink || offsets.some((o) => o === undefined)) return null;
  return { state: activeSink.state, offsets: offsets as number[], written: activeSink.written };
}

/** Runs `f(chunk, start)` on runs of PER_DISPATCH tensors. */
function chunks(tensors: tf.TensorInfo[], f: (chunk: tf.TensorInfo[], start: number) => void) {
  for (let start = 0; start < tensors.length; start += PER_DISPATCH) f(tensors.slice(start, start + PER_DISPATCH), start);
}

/** Each tensor of a chunk: its element count and offset, as uniforms n0, o0, n1, … */
const placeUniforms = (c: number) => Array.from({ length: c }, (_, j) => `n${j} : i32, o${j} : i32,`).join(" ");
const place = (chunk: tf.TensorInfo[], offsets: number[], start: number) =>
  ints(...chunk.flatMap((t, j) => [tf.util.sizeFromShape(t.shape), offsets[start + j]]));
const longest = (chunk: tf.TensorInfo[]) => Math.max(...chunk.map((t) => tf.util.sizeFromShape(t.shape)));

const gatherProgram = (c: number): MultiProgram => ({
  key: `adamw_gather_${c}`,
  inputs: Array.from({ length: c }, (_, j) => `g${j}`),
  updated: ["state"],
  outputs: [],
  uniforms: placeUniforms(c),
  body: Array.from({ length: c }, (_, j) => `if (index < uniforms.n${j}) { state[uniforms.o${j} + index] = g${j}[index]; }`).join("\n  "),
});

// The same order of operations as adamw.ts's host kernel and the composed path.
const updateProgram = (c: number): MultiProgram => ({
  key: `adamw_update_${c}`,
  inputs: [],
  updated: [...Array.from({ length: c }, (_, j) => `p${j}`), "state"],
  outputs: [],
  uniforms: `total : i32, clip : f32, beta1 : f32, beta2 : f32, oneMinusBeta1 : f32, oneMinusBeta2 : f32, eps : f32,
    decay : f32, step : f32, sqrtBc2 : f32, ${placeUniforms(c)}`,
  body: Array.from(
    { length: c },
    (_, j) => `if (index < uniforms.n${j}) {
    let at = uniforms.o${j} + index;
    let T = uniforms.total;
    let g = state[at] * uniforms.clip;
    let m = state[T + at] * uniforms.beta1 + g * uniforms.oneMinusBeta1;
    let v = state[2 * T + at] * uniforms.beta2 + g * g * uniforms.oneMinusBeta2;
    state[T + at] = m;
    state[2 * T + at] = v;
    p${j}[index] = p${j}[index] * uniforms.decay - (m / (sqrt(v) / uniforms.sqrtBc2 + uniforms.eps)) * uniforms.step;
  }`,
  ).join("\n  "),
});

// state, g₀, g₁, … → the state, its g third holding each gradient at its offset.
registerGpu<{ offsets: number[] }>(ADAMW_GATHER, ([state, ...grads], b, { offsets }) => {
  chunks(grads, (chunk, start) => record(b, gatherProgram(chunk.length), chunk, [state], [], place(chunk, offsets, start), longest(chunk)));
  return shared(b, state);
});

// state → Σ g² over its g third (the first `total` values): one workgroup.
registerGpu<{ total: number }>(ADAMW_NORM, ([state], b, { total }) =>
  b.runWebGPUProgram(
    perRow(
      "adamw_norm",
      ["state"],
      [],
      1,
      `
      var s = 0.0;
      for (var k = i32(localId.x); k < uniforms.count; k = k + ${GROUP}) { let v = state[k]; s = s + v * v; }
      let all = rowSum(s);
      if (localId.x == 0u) { result[0] = all; }`,
      "count : i32,",
    ),
    [state],
    "float32",
    ints(1, total),
  ),
);

// p₀, p₁, …, state (its g third gathered) → p'₀, p'₁, …, the state with the new moments.
registerGpu<AdamWAttrs>(ADAMW_UPDATE, (inputs, b, a) => {
  const params = inputs.slice(0, a.n);
  const state = inputs[a.n];
  const { offsets, total } = flatOffsets(params.map((p) => p.shape));
  const constants = adamwConstants(a).map((v) => ({ type: "float32" as const, data: [v] }));
  chunks(params, (chunk, start) =>
    record(
      b,
      updateProgram(chunk.length),
      [],
      [...chunk, state],
      [],
      [...ints(total), ...constants, ...place(chunk, offsets, start)],
      longest(chunk),
    ),
  );
  return [...params, state].map((t) => shared(b, t));
});
