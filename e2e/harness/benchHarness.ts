// The page bench's side in the browser (bench/page.ts drives it): a named model's shape with random
// weights, the synthetic workload's examples and LoRA, N training steps on one backend, each counted.
// GPU dispatches and queue submits are counted by bench/page.ts's init script, which wraps
// GPUComputePassEncoder.prototype.dispatchWorkgroups and GPUQueue.prototype.submit before this loads.
import * as tf from "@tensorflow/tfjs-core";
import type { BackendName } from "../../src/core/protocol";
import { PEFT_LORA_DEFAULTS } from "../../src/core/settings/trainerDefaults";
import { describeAdapter, setBackend } from "../../src/engine/backend";
import { createLora, disposeLora } from "../../src/engine/lora";
import { Rng } from "../../src/engine/rng";
import { createRandomModel } from "../../src/engine/seededModel";
import { Trainer } from "../../src/engine/trainer";
import { disposeModel } from "../../src/engine/weights";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import "../../workers/wasm/wasmFiles";
import { syntheticExamples } from "../../bench/synthetic";
import type { StepShape } from "../../bench/engine";

export interface PageBenchRequest {
  backend: BackendName;
  /** A config.json (bench/engine.ts's NAMED_SHAPES, narrowed or not). */
  config: Record<string, unknown>;
  vocabSize: number;
  shape: StepShape;
  steps: number;
}

export interface PageStep {
  ms: number;
  loss: number;
  grad_norm: number;
  dispatches: number;
  submits: number;
}

interface GpuCounts {
  dispatches: number;
  submits: number;
}

declare global {
  interface Window {
    __gpuCounts?: GpuCounts;
    pageBench: typeof pageBench;
  }
}

const counts = (): GpuCounts => ({ ...(window.__gpuCounts ?? { dispatches: 0, submits: 0 }) });

/** Bytes the backend holds on the GPU (its buffer pool, which only grows: the peak), or null off WebGPU. */
function gpuBytes(): number | null {
  const m = tf.memory() as { numBytesAllocatedInGPU?: number };
  return m.numBytesAllocatedInGPU ?? null;
}

async function pageBench(req: PageBenchRequest) {
  await setBackend(req.backend);
  const adapter = await describeAdapter(req.backend);
  const model = createRandomModel(req.config, 1, { std: 0.02 });
  const targets = req.shape.targets ?? PEFT_LORA_DEFAULTS.target_modules;
  const lora = createLora(model, { ...PEFT_LORA_DEFAULTS, r: req.shape.r, lora_alpha: req.shape.lora_alpha, target_modules: targets }, 1);
  const examples = syntheticExamples(new Rng(1), req.shape, req.vocabSize);
  const trainer = new Trainer(model, lora, examples, {
    learning_rate: 5e-5,
    per_device_train_batch_size: req.shape.batch,
    max_steps: 1_000_000,
  });
  const steps: PageStep[] = [];
  try {
    for (let i = 0; i < req.steps; i++) {
      const before = counts();
      const r = await trainer.step();
      console.log(`step ${i + 1}: ${Math.round(r.msPerStep)} ms, loss ${r.loss}`);
      const after = counts();
      steps.push({
        ms: Math.round(r.msPerStep * 10) / 10,
        loss: r.loss,
        grad_norm: r.gradNorm,
        dispatches: after.dispatches - before.dispatches,
        submits: after.submits - before.submits,
      });
    }
    // Profiled apart from the counted steps: on WebGPU, tf.profile times each kernel, which ends a pass per kernel.
    let loss = NaN;
    const profile = await tf.profile(async () => {
      loss = (await trainer.step()).loss;
    });
    const byName: Record<string, number> = {};
    for (const k of profile.kernels) byName[k.name] = (byName[k.name] ?? 0) + 1;
    return {
      backend: tf.getBackend(),
      adapter,
      // The cores the browser reports, and the threads tfjs-wasm's matmuls got (half of them, at most
      // 8, under cross-origin isolation; 1 otherwise): a machine with more cores shows its speed-up here.
      hardware_concurrency: navigator.hardwareConcurrency,
      wasm_threads: tf.getBackend() === "wasm" ? getThreadsCount() : null,
      steps,
      losses: [...steps.map((s) => s.loss), loss].slice(0, 3),
      kernels_per_step: profile.kernels.length,
      kernels_by_name: Object.fromEntries(Object.entries(byName).sort((a, b) => b[1] - a[1])),
      peak_tensor_bytes: profile.peakBytes,
      gpu_bytes_allocated: gpuBytes(),
    };
  } finally {
    trainer.dispose();
    disposeLora(lora);
    disposeModel(model);
  }
}

window.pageBench = pageBench;
document.body.dataset.ready = "true";
