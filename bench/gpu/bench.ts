// The training-step bench for the GPU machine (issue 23, item 9): bench/gpu/bundle.ts bundles this
// file for Node into .gpu/bench.mjs, and bench/gpu/run.sh runs it there beside PyTorch. A named
// model's shape with random weights at a workload (bench/engine.ts's NAMED_SHAPES and shapes, run by
// its measureSteps) on one backend; WebGPU comes from Dawn's Node bindings (the `webgpu` package).
// Prints one JSON row: ms a step, GPU dispatches and queue submits a step, the first three losses,
// the GPU bytes tfjs-webgpu allocated, the adapter. `--torch-spec` prints instead the same step's
// spec for bench/torch_baseline.py (model config, examples, LoRA, learning rate, batch, steps).
//   node .gpu/bench.mjs --model smollm2-135m|qwen2.5-0.5b|bloom-560m --workload sft|notebook
//                       --backend webgpu|cpu [--steps 10 --warm-up 5 --narrow] [--torch-spec] (and bench/run.ts's size flags)
// Also runs unbundled: npx tsx bench/gpu/bench.ts --backend cpu --narrow --steps 1 --warm-up 1
import { parseArgs } from "node:util";
import { runInThisContext } from "node:vm";
import { loadEngine } from "../../src/cli/tfjsNode";
import {
  failWith,
  measureSteps,
  median,
  namedShapeOptions,
  namedShapeRun,
  syntheticWorkload,
  torchStepSpec,
  WARM_UP,
  wholeNumber,
} from "../engine";
import { GPU_COUNTERS } from "../synthetic";

const { values } = parseArgs({
  options: {
    ...namedShapeOptions("10"),
    "warm-up": { type: "string", default: String(WARM_UP.minSteps) },
    "torch-spec": { type: "boolean", default: false },
  },
});

const fail = failWith("bench:gpu");
/** The backends this bench takes: Dawn's WebGPU, and cpu to check the bundle where there is no GPU. */
const GPU_BENCH_BACKENDS = ["webgpu", "cpu"] as const;
const { steps, shape, config } = namedShapeRun(values, GPU_BENCH_BACKENDS, fail);
const warmUpSteps = wholeNumber("warm-up", values["warm-up"], fail);

/**
 * Dawn's Node bindings (the `webgpu` package), not a dependency of the project: bench:gpu-bundle fetches
 * them and puts them beside the bundle, where this import finds them (a name in a constant, so that
 * neither tsc nor esbuild looks for the package here).
 */
const WEBGPU_MODULE = "webgpu";
interface DawnModule {
  create(flags: string[]): unknown;
  globals: Record<string, unknown>;
}

/** GPU compute dispatches and queue submits so far; null where they cannot be counted (no WebGPU). */
let gpuCounts: { dispatches: number; submits: number } | null = null;

/**
 * Dawn's navigator.gpu, set before tfjs-backend-webgpu is imported (it registers itself only where
 * navigator.gpu exists), with its classes global (tfjs-webgpu checks `instanceof GPUBuffer`), and
 * dispatchWorkgroups and submit counted on the prototypes by the page bench's own script (GPU_COUNTERS).
 */
async function installDawn(): Promise<void> {
  const { create, globals } = (await import(WEBGPU_MODULE)) as DawnModule;
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, "navigator", { value: { gpu: create(["backend=vulkan"]) }, configurable: true, writable: true });
  runInThisContext(GPU_COUNTERS);
  const g = globalThis as unknown as {
    __gpuCounts: NonNullable<typeof gpuCounts>;
    GPUComputePassEncoder?: { prototype: Record<string, unknown> };
    GPUQueue?: { prototype: Record<string, unknown> };
  };
  // Without dispatchWorkgroups or submit on the prototypes the counts would read 0: report null instead.
  const countable = [g.GPUComputePassEncoder?.prototype.dispatchWorkgroups, g.GPUQueue?.prototype.submit];
  if (countable.every((f) => typeof f === "function")) gpuCounts = g.__gpuCounts;
}

if (values.backend === "webgpu" && !values["torch-spec"]) await installDawn();
const engine = await loadEngine();
engine.tf.env().set("PROD", true);
const vocab = Number(config.vocab_size);
const work = syntheticWorkload(engine, values.model, async () => engine.createRandomModel(config, 1, { std: 0.02 }), vocab, shape);

if (values["torch-spec"]) {
  // bench/torch_baseline.py's spec: the model and its shape beside engine.ts's torchStepSpec.
  const spec = {
    model: values.model,
    narrow: values.narrow,
    config,
    shape,
    ...torchStepSpec(work, warmUpSteps),
    steps,
  };
  console.log(JSON.stringify(spec));
  process.exit(0);
}

/** What each trainer step left: its loss and time, the GPU work it recorded, the GPU bytes after it. */
const log: Array<{ ms: number; loss: number; dispatches: number | null; submits: number | null; gpuBytes: number | null }> = [];

/** The engine as measureSteps uses it, with every trainer step logged. */
class LoggedTrainer extends engine.Trainer {
  override async step() {
    const before = gpuCounts && { ...gpuCounts };
    const r = await super.step();
    const m = engine.tf.memory() as { numBytesAllocatedInGPU?: number };
    log.push({
      ms: r.msPerStep,
      loss: r.loss,
      dispatches: before && gpuCounts!.dispatches - before.dispatches,
      submits: before && gpuCounts!.submits - before.submits,
      gpuBytes: m.numBytesAllocatedInGPU ?? null,
    });
    return r;
  }
}
const logged: typeof engine = { ...engine, Trainer: LoggedTrainer };

// Imported after loadEngine, so that under tsx it is the engine's own copy of the module (tfjsNode.ts).
const { describeAdapter } = await import("../../src/engine/backend");
try {
  const row = await measureSteps(logged, work, values.backend, steps, { minSteps: warmUpSteps, minSeconds: 0 });
  // measureSteps profiles one step after the timed ones (tf.profile ends a pass per kernel on
  // WebGPU): the counts are of the others.
  const counted = log.slice(0, -1);
  const perStep = (key: "dispatches" | "submits") => (gpuCounts ? median(counted.map((s) => s[key] ?? 0)) : null);
  const gpuBytes = log.map((s) => s.gpuBytes ?? 0);
  console.log(
    JSON.stringify({
      bench: "gpu",
      ...row,
      narrow: values.narrow,
      adapter: await describeAdapter(values.backend as (typeof GPU_BENCH_BACKENDS)[number]),
      node: process.version,
      first_step_ms: Math.round(log[0].ms),
      dispatches_per_step: perStep("dispatches"),
      submits_per_step: perStep("submits"),
      losses: log.slice(0, 3).map((s) => s.loss),
      // tfjs-webgpu's buffers, its pool of freed ones included: it only grows, so the last is the peak.
      gpu_bytes_allocated: values.backend === "webgpu" ? Math.max(...gpuBytes) : null,
    }),
  );
} catch (err) {
  fail(`${values.model} on ${values.backend}: ${(err as Error).message}`);
}
// Dawn's device keeps Node's event loop alive.
process.exit(0);
