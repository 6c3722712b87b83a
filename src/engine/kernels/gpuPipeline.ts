// WGSL programs of our own with several outputs, recorded into tfjs-webgpu's current compute pass
// (backend_webgpu.js: recordAndSubmit) so that they run in order with the backend's work and are
// submitted with it. tfjs-webgpu's program runner gives a program one output; a grouped LoRA's
// backward (gpuLoraGroup.ts) makes a gradient per adapter tensor of the group in one dispatch. The
// buffers a program binds are marked as the runner marks its own (commandQueueOwnedIds), so one
// disposed before the submit is released after it.

import type * as tf from "@tensorflow/tfjs-core";
import { GROUP, MAX_GROUPS, type Uniform } from "./gpuProgram";

// The few WebGPU members used here and in gpuAdamW.ts, typed here: the engine compiles without the DOM's WebGPU types.
export interface GpuBuffer {
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
export interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
export interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, group: unknown): void;
  dispatchWorkgroups(x: number, y: number): void;
  end(): void;
}
export interface GpuDevice {
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: "auto"; compute: { module: unknown; entryPoint: string } }): GpuPipeline;
  createBuffer(d: { size: number; usage: number; mappedAtCreation: boolean }): GpuBuffer;
  createBindGroup(d: { layout: unknown; entries: Array<{ binding: number; resource: unknown }> }): unknown;
}
/** What this module reads of tfjs-webgpu's backend (backend_webgpu.js). */
export interface PipelineBackend {
  device: GpuDevice;
  commandEncoder: { beginComputePass(d: object): GpuPass } | null;
  computePassEncoder: GpuPass | null;
  commandQueueOwnedIds: WeakSet<tf.DataId>;
  tensorMap: { get(id: tf.DataId): { resource: unknown; values: unknown } };
  ensureCommandEncoderReady(): void;
  uploadToGPU(id: tf.DataId): void;
  makeTensorInfo(shape: number[], dtype: "float32"): tf.TensorInfo;
  makeUniforms(u: Uniform[]): unknown;
  incRef(id: tf.DataId): void;
}

/**
 * A program: `body` runs for each `index` below the thread count, reading `uniforms.NAME`; or, with
 * `workgroup` set, once for each thread of workgroups of that shape, reading `lid` (the thread in its
 * workgroup) and `wid` (the workgroup), over the grid record() is given (a tiled matmul's layout).
 */
export interface MultiProgram {
  key: string;
  /** Read-only inputs. */
  inputs: string[];
  /** Tensors the program updates in place (returned first, sharing their data as tfjs's Identity does). */
  updated: string[];
  /** New outputs (returned after the updated ones). */
  outputs: string[];
  /** The program's own uniforms, scalars only: "N : i32, s : f32,". */
  uniforms: string;
  helpers?: string;
  workgroup?: [number, number];
  body: string;
}

/** How many threads run a program, or (a program with `workgroup`) its grid of workgroups. */
export type Threads = number | { grid: [number, number] };

const shader = (p: MultiProgram) => {
  const storage = [...p.inputs.map((n) => [n, "read"]), ...[...p.updated, ...p.outputs].map((n) => [n, "read_write"])];
  return `
struct Uniforms { threads : i32, groupsX : i32, ${p.uniforms} }
${storage.map(([name, access], i) => `@group(0) @binding(${i}) var<storage, ${access}> ${name} : array<f32>;`).join("\n")}
@group(0) @binding(${storage.length}) var<uniform> uniforms : Uniforms;
${p.helpers ?? ""}
${
  p.workgroup
    ? `@compute @workgroup_size(${p.workgroup.join(", ")})
fn main(@builtin(local_invocation_id) lid : vec3<u32>, @builtin(workgroup_id) wid : vec3<u32>) {`
    : `@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let index = i32(id.x) + i32(id.y) * uniforms.groupsX * ${GROUP};
  if (index >= uniforms.threads) { return; }`
}
  ${p.body}
}`;
};

const pipelines = new WeakMap<GpuDevice, Map<string, GpuPipeline>>();

/**
 * Records `p` with `threads` threads over `inputs` (read), `updated` (written in place: tensors the
 * caller owns alone) and new outputs of `outputShapes`, which it returns. Every binding must be read
 * or written by the program: an unused one leaves the pipeline's layout, and a bind group that names
 * it is invalid.
 */
export function record(
  backend: unknown,
  p: MultiProgram,
  inputs: tf.TensorInfo[],
  updated: tf.TensorInfo[],
  outputShapes: number[][],
  uniforms: Uniform[],
  threads: Threads,
): tf.TensorInfo[] {
  const b = backend as PipelineBackend;
  let cache = pipelines.get(b.device);
  if (!cache) pipelines.set(b.device, (cache = new Map()));
  let pipeline = cache.get(p.key);
  if (!pipeline) {
    pipeline = b.device.createComputePipeline({
      layout: "auto",
      compute: { module: b.device.createShaderModule({ code: shader(p) }), entryPoint: "main" },
    });
    cache.set(p.key, pipeline);
  }
  const outputs = outputShapes.map((shape) => b.makeTensorInfo(shape, "float32"));
  const all = [...inputs, ...updated, ...outputs];
  for (const t of all) {
    b.uploadToGPU(t.dataId);
    b.commandQueueOwnedIds.add(t.dataId);
  }
  const count = typeof threads === "number" ? threads : 0;
  const groups = Math.ceil(count / GROUP);
  const [x, y] =
    typeof threads === "number" ? [Math.min(groups, MAX_GROUPS), Math.ceil(groups / Math.min(groups, MAX_GROUPS))] : threads.grid;
  const uniform = b.makeUniforms([{ type: "int32", data: [count] }, { type: "int32", data: [x] }, ...uniforms]);
  const group = b.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...all.map((t) => ({ buffer: b.tensorMap.get(t.dataId).resource })), uniform].map((resource, i) => ({
      binding: i,
      resource,
    })),
  });
  b.ensureCommandEncoderReady();
  b.computePassEncoder ??= b.commandEncoder!.beginComputePass({});
  const pass = b.computePassEncoder;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(x, y);
  for (const t of updated) b.tensorMap.get(t.dataId).values = null; // a value read back earlier is stale now
  return outputs;
}

/** A tensor a kernel updated in place, as the kernel's output: its data shared, as tfjs-webgpu's Identity shares it. */
export function shared(backend: unknown, t: tf.TensorInfo): tf.TensorInfo {
  (backend as PipelineBackend).incRef(t.dataId);
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
}

/** record(), returning the updated tensors (shared) and then the new outputs: a kernel's outputs. */
export function runMulti(...args: Parameters<typeof record>): tf.TensorInfo[] {
  const [backend, , , updated] = args;
  const outputs = record(...args);
  return [...updated.map((t) => shared(backend, t)), ...outputs];
}

/** An int32 uniform each. */
export const ints = (...values: number[]): Uniform[] => values.map((v) => ({ type: "int32", data: [v] }));
