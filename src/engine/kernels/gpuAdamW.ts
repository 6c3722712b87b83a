// torch.optim.AdamW's update on WebGPU (optimizer.ts has the contract, adamw.ts the host kernel):
// one dispatch per adapter tensor that updates p, m and v in place. tfjs-webgpu's program runner
// gives a program one output, so the update was three programs per tensor (p', m', v': 1,260 of a
// SmolLM2-135M sft step's 3,908 dispatches, for its 420 LoRA tensors); this pipeline is our own,
// recorded into tfjs-webgpu's command encoder between its passes, so it runs in order with the
// backend's work and is submitted with it (backend_webgpu.js: recordAndSubmit, submitQueue).
// In place is safe here: the parameters and moments are the optimizer's own tensors, and the
// outputs share their data as tfjs-webgpu's Identity does (incRef), so the optimizer's assign and
// dispose keep the counts right. A value read back earlier and cached on the CPU is dropped.

import * as tf from "@tensorflow/tfjs-core";
import type { AdamWAttrs } from "./adamw";
import { ADAMW, adamwConstants } from "./adamw";

// The few WebGPU members used, typed here: the engine compiles without the DOM's WebGPU types.
interface GpuBuffer {
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface GpuPipeline {
  getBindGroupLayout(i: number): unknown;
}
interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, group: unknown): void;
  dispatchWorkgroups(x: number, y: number): void;
  end(): void;
}
interface GpuDevice {
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: "auto"; compute: { module: unknown; entryPoint: string } }): GpuPipeline;
  createBuffer(d: { size: number; usage: number; mappedAtCreation: boolean }): GpuBuffer;
  createBindGroup(d: { layout: unknown; entries: Array<{ binding: number; resource: { buffer: unknown } }> }): unknown;
}
/** What this module reads of tfjs-webgpu's backend (backend_webgpu.js). */
interface Backend {
  device: GpuDevice;
  commandEncoder: { beginComputePass(): GpuPass } | null;
  tensorMap: { get(id: tf.DataId): { resource: unknown; values: unknown } };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  uploadToGPU(id: tf.DataId): void;
  incRef(id: tf.DataId): void;
}
/** GPUBufferUsage.UNIFORM. */
const UNIFORM_USAGE = 0x40;

const WORKGROUP = 64;
const MAX_GROUPS = 65535;

// The same order of operations as adamw.ts's host kernel and the composed path.
const SHADER = `
struct Params { n : u32, rowGroups : u32, clip : f32, beta1 : f32, beta2 : f32, oneMinusBeta1 : f32,
  oneMinusBeta2 : f32, eps : f32, decay : f32, step : f32, sqrtBc2 : f32 }
@group(0) @binding(0) var<storage, read_write> p : array<f32>;
@group(0) @binding(1) var<storage, read> grad : array<f32>;
@group(0) @binding(2) var<storage, read_write> m1 : array<f32>;
@group(0) @binding(3) var<storage, read_write> m2 : array<f32>;
@group(0) @binding(4) var<uniform> u : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let i = id.x + id.y * u.rowGroups * ${WORKGROUP}u;
  if (i >= u.n) { return; }
  let g = grad[i] * u.clip;
  let m = m1[i] * u.beta1 + g * u.oneMinusBeta1;
  let v = m2[i] * u.beta2 + g * g * u.oneMinusBeta2;
  m1[i] = m;
  m2[i] = v;
  p[i] = p[i] * u.decay - (m / (sqrt(v) / u.sqrtBc2 + u.eps)) * u.step;
}`;

const pipelines = new WeakMap<GpuDevice, GpuPipeline>();
/** The last step's uniform buffers, destroyed at the next (their commands have been submitted by then: the step reads back). */
let spent: GpuBuffer[] = [];

tf.registerKernel({
  kernelName: ADAMW,
  backendName: "webgpu",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const b = backend as unknown as Backend;
    const a = attrs as unknown as AdamWAttrs;
    const all: tf.TensorInfo[] = [];
    for (let i = 0; inputs[String(i)] !== undefined; i++) all.push(inputs[String(i)] as tf.TensorInfo);
    const device = b.device;
    let pipeline = pipelines.get(device);
    if (!pipeline) {
      pipeline = device.createComputePipeline({
        layout: "auto",
        compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: "main" },
      });
      pipelines.set(device, pipeline);
    }
    for (const buffer of spent) buffer.destroy();
    spent = [];
    const floats = adamwConstants(a);
    for (const t of all) b.uploadToGPU(t.dataId);
    b.ensureCommandEncoderReady();
    b.endComputePassEncoder();
    const pass = b.commandEncoder!.beginComputePass();
    pass.setPipeline(pipeline);
    const n = a.n;
    for (let i = 0; i < n; i++) {
      const [p, g, m, v] = [all[i], all[n + i], all[2 * n + i], all[3 * n + i]];
      const count = tf.util.sizeFromShape(p.shape);
      const groups = Math.ceil(count / WORKGROUP);
      const x = Math.min(groups, MAX_GROUPS);
      const uniform = device.createBuffer({ size: 48, usage: UNIFORM_USAGE, mappedAtCreation: true });
      const range = uniform.getMappedRange();
      new Uint32Array(range, 0, 2).set([count, x]);
      new Float32Array(range, 8, floats.length).set(floats);
      uniform.unmap();
      spent.push(uniform);
      const buffer = (t: tf.TensorInfo) => ({ buffer: b.tensorMap.get(t.dataId).resource });
      const group = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [p, g, m, v].map((t, k) => ({ binding: k, resource: buffer(t) })).concat([{ binding: 4, resource: { buffer: uniform } }]),
      });
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    }
    pass.end();
    // p', m', v' are p, m, v, updated: shared as Identity shares, and no stale CPU copy left.
    const updated = [...all.slice(0, n), ...all.slice(2 * n, 4 * n)];
    for (const t of updated) {
      b.tensorMap.get(t.dataId).values = null;
      b.incRef(t.dataId);
    }
    return updated.map((t) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
  },
});
