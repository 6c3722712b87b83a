// Kernels over float32 data, registered with tfjs for the backends whose tensors live in host
// memory (cpu, and wasm's linear memory); their arithmetic is mostly the SIMD module's (simd/). One
// registered kernel replaces a chain of small tfjs ops: each op is a kernel dispatch with its own
// bookkeeping (3–10 µs on wasm here, measured), which for a small model costs more than the
// arithmetic. Other backends (webgpu, webgl) keep the composed tfjs ops: `hostKernelsActive()` says
// which path runs.

import * as tf from "@tensorflow/tfjs-core";

export const HOST_BACKENDS = ["cpu", "wasm"] as const;

let enabled = true;

/** Turns the host kernels off (the composed tfjs ops run instead) to compare the two paths. */
export function setHostKernels(on: boolean): void {
  enabled = on;
}

/** Whether the active backend runs the host kernels (and they are on). */
export function hostKernelsActive(): boolean {
  return enabled && (HOST_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/**
 * Whether the fused kernel `kernelName` runs on the active backend (and kernels are on): every host
 * kernel on cpu and wasm; on webgpu, those kernels/gpu.ts implements.
 */
export function fusedKernelActive(kernelName: string): boolean {
  return enabled && tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

interface CpuBackend {
  data: { get(id: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
}
interface WasmBackend {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** A fused kernel's inputs in position order (runHostKernel names them "0", "1", …). */
export function positionalInputs(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const list: tf.TensorInfo[] = [];
  for (let i = 0; inputs[String(i)] !== undefined; i++) list.push(inputs[String(i)] as tf.TensorInfo);
  return list;
}

/**
 * Registers a host kernel on cpu and wasm: `compute(inputs, outputs, attrs, inputShapes, dataIds)`
 * fills `outputs` (zeroed, of `outputShapes(inputShapes, attrs)`) from `inputs` (dataIds: the
 * inputs' tensors' identities, for what a kernel keeps across calls). On wasm the outputs are
 * allocated before any view is taken: an allocation may grow the memory, which detaches earlier views.
 */
export function registerHostKernel<A extends object>(
  kernelName: string,
  outputShapes: (inputShapes: number[][], attrs: A) => number[][],
  compute: (inputs: Float32Array[], outputs: Float32Array[], attrs: A, inputShapes: number[][], dataIds: object[]) => void,
): void {
  for (const backendName of HOST_BACKENDS) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const list = positionalInputs(inputs);
        for (const t of list) if (t.dtype !== "float32") throw new Error(`internal: ${kernelName} takes float32 tensors, got ${t.dtype}`);
        const inputShapes = list.map((t) => t.shape);
        const shapes = outputShapes(inputShapes, attrs as unknown as A);
        if (backendName === "wasm") {
          const wasm = backend as unknown as WasmBackend;
          const outs = shapes.map((s) => wasm.makeOutput(s, "float32"));
          const outViews = outs.map((o) => wasm.typedArrayFromHeap(o));
          for (const v of outViews) v.fill(0);
          compute(
            list.map((t) => wasm.typedArrayFromHeap(t)),
            outViews,
            attrs as unknown as A,
            inputShapes,
            list.map((t) => t.dataId),
          );
          return outs;
        }
        const cpu = backend as unknown as CpuBackend;
        const outViews = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
        compute(
          list.map((t) => cpu.data.get(t.dataId).values),
          outViews,
          attrs as unknown as A,
          inputShapes,
          list.map((t) => t.dataId),
        );
        return outViews.map((v, i) => cpu.makeTensorInfo(shapes[i], "float32", v));
      },
    });
  }
}

/**
 * Makes wasm's Identity share its input's data, as the cpu backend's does, instead of copying it.
 * tfjs clones every tensor a gradient will need (Engine.saveTensorsForBackwardMode), so wasm copied
 * about a hundred tensors a training step of the bundled model, the 2 MB embedding among them (a
 * 1 GB copy a step for bloom-560m's). A tfjs tensor's data never changes after it is written, which
 * is why sharing is safe: wasm's own Reshape shares the same way (incRef). Call after the wasm
 * backend is imported, which registers its copying Identity.
 */
export function shareIdentityOnWasm(): void {
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({
    kernelName: "Identity",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      (backend as unknown as { incRef(id: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}

/**
 * Runs a registered host kernel on tensors (inputs keyed by position). A gradient registered for a
 * host kernel runs its backward kernel once, eagerly, and hands each input its part: the tape asks
 * for every input's gradient in a tidy of its own, which would dispose the parts computed for the others.
 */
export function runHostKernel(kernelName: string, inputs: tf.Tensor[], attrs: object = {}): tf.Tensor[] {
  const named: tf.NamedTensorMap = {};
  inputs.forEach((t, i) => (named[String(i)] = t));
  const out = tf.engine().runKernel(kernelName, named, attrs as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}
