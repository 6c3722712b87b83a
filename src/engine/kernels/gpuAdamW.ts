// torch.optim.AdamW's update on WebGPU (optimizer.ts has the contract, adamw.ts the host kernel):
// one dispatch per two adapter tensors that updates their p, m and v in place. tfjs-webgpu's program runner
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
import type { GpuBuffer, GpuDevice, GpuPass, GpuPipeline } from "./gpuPipeline";

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

/** One tensor's update, on the bindings suffixed `k` (two tensors a dispatch: 8 storage buffers, WebGPU's default limit). */
const update = (k: string) => `
  if (i < u.n${k}) {
    let g = grad${k}[i] * u.clip;
    let m = m${k}[i] * u.beta1 + g * u.oneMinusBeta1;
    let v = v${k}[i] * u.beta2 + g * g * u.oneMinusBeta2;
    m${k}[i] = m;
    v${k}[i] = v;
    p${k}[i] = p${k}[i] * u.decay - (m / (sqrt(v) / u.sqrtBc2 + u.eps)) * u.step;
  }`;
const bindings = (k: string, first: number) =>
  ["p", "grad", "m", "v"]
    .map((name, j) => `@group(0) @binding(${first + j}) var<storage, ${name === "grad" ? "read" : "read_write"}> ${name}${k} : array<f32>;`)
    .join("\n");
// The same order of operations as adamw.ts's host kernel and the composed path.
const SHADER = `
struct Params { nA : u32, nB : u32, rowGroups : u32, clip : f32, beta1 : f32, beta2 : f32, oneMinusBeta1 : f32,
  oneMinusBeta2 : f32, eps : f32, decay : f32, step : f32, sqrtBc2 : f32 }
${bindings("A", 0)}
${bindings("B", 4)}
@group(0) @binding(8) var<uniform> u : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let i = id.x + id.y * u.rowGroups * ${WORKGROUP}u;
  ${update("A")}
  ${update("B")}
}`;
/** GPUBufferUsage.STORAGE: the stand-in tensor of an odd count's last dispatch. */
const STORAGE_USAGE = 0x80;

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
    const buffer = (t: tf.TensorInfo) => ({ buffer: b.tensorMap.get(t.dataId).resource });
    const tensor = (i: number) => [all[i], all[n + i], all[2 * n + i], all[3 * n + i]].map(buffer); // p, g, m, v
    for (let i = 0; i < n; i += 2) {
      const [countA, countB] = [i, i + 1].map((j) => (j < n ? tf.util.sizeFromShape(all[j].shape) : 0));
      const groups = Math.ceil(Math.max(countA, countB) / WORKGROUP);
      const x = Math.min(groups, MAX_GROUPS);
      const uniform = device.createBuffer({ size: 48, usage: UNIFORM_USAGE, mappedAtCreation: true });
      const range = uniform.getMappedRange();
      new Uint32Array(range, 0, 3).set([countA, countB, x]);
      new Float32Array(range, 12, floats.length).set(floats);
      uniform.unmap();
      spent.push(uniform);
      // An odd count's last dispatch binds four small buffers of its own for the second tensor (n 0).
      const second =
        i + 1 < n
          ? tensor(i + 1)
          : [0, 1, 2, 3].map(() => {
              const stand = device.createBuffer({ size: 16, usage: STORAGE_USAGE, mappedAtCreation: false });
              spent.push(stand);
              return { buffer: stand };
            });
      const group = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [...tensor(i), ...second]
          .map((resource, k) => ({ binding: k, resource }))
          .concat([{ binding: 8, resource: { buffer: uniform } }]),
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
