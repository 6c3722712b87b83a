// `npm run bench`: the project's speed record. The engine's LoRA training step (bench/engine.ts) on
// the bundled default with the page's defaults, or a named model at its real shapes with random
// weights, or a model folder; greedy generation; and without the engine, the mask diagnosis on long
// text, the page's mask view per keystroke and the share-link decoder on hostile hashes. With
// --baseline torch, the same training step in PyTorch on this CPU (bench/torch_baseline.py) and the ratio.
//   npm run bench [-- --model default|bloom-560m|smollm2-135m|qwen2.5-0.5b|DIR --backend cpu,wasm
//                     --workload notebook|sft [--batch N --tokens N --trained N --lora-r N --lora-alpha N
//                     --targets all-linear|q_proj,v_proj] --steps 30 --only mask|share|engine|checkpoint --baseline torch --json]
// A checkpoint of the same adapter (bench/checkpoint.ts) is measured after the engine's steps, on the first backend.
import { parseArgs } from "node:util";
import { loadEngine } from "../src/cli/tfjsNode";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import { createInterface } from "node:readline";
import path from "node:path";
import type { Engine } from "../src/cli/engineArgs";
import { loadModelDir } from "../src/cli/modelFiles";
import { BUNDLED_MODEL_FOLDER, loadTokenizerDir } from "../src/cli/tokenizerDir";
import {
  NAMED_SHAPES,
  defaultWorkload,
  failWith,
  measureSteps,
  median,
  syntheticWorkload,
  torchStepSpec,
  workloadOptions,
  workloadShape,
  WARM_UP,
  type Row,
  type StepRow,
  type Workload,
} from "./engine";
import { keystrokeBench, maskBench } from "./mask";
import { shareBench } from "./share";
import { checkpointBench } from "./checkpoint";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "default" },
    backend: { type: "string", default: "cpu,wasm" },
    baseline: { type: "string", default: "" },
    steps: { type: "string", default: "30" },
    only: { type: "string", default: "" },
    json: { type: "boolean", default: false },
    ...workloadOptions("notebook"),
  },
});
const fail = failWith("bench");
const steps = Number(values.steps);
if (values.baseline !== "" && values.baseline !== "torch") fail(`--baseline ${values.baseline} is not known; the one baseline is torch.`);
if (!["", "mask", "share", "engine", "checkpoint"].includes(values.only)) {
  fail(`--only ${values.only} is not a measurement group; give mask, share, engine or checkpoint, or leave it out for all.`);
}

const rows: Row[] = [];

function report(row: Row) {
  rows.push(row);
  if (values.json) console.log(JSON.stringify(row));
  else console.log(`${row.backend.padEnd(6)} ${row.what.padEnd(44)} ${row.value.toFixed(1).padStart(9)} ${row.unit.padEnd(8)} ${row.note}`);
}

const tokenizer = loadTokenizerDir("default");
if (values.only === "" || values.only === "mask") [...maskBench(tokenizer), keystrokeBench(tokenizer)].forEach(report);
if (values.only === "" || values.only === "share") report(shareBench());
if (values.only === "mask" || values.only === "share") {
  if (!values.json) console.log(`\n${rows.length} measurements. Node ${process.version}.`);
  process.exit(0);
}

const engine = await loadEngine();
engine.tf.env().set("PROD", true);

/** Whether the page's own first run is measured: the bundled default with nothing of the workload changed. */
const pageRun =
  values.workload === "notebook" &&
  ["batch", "tokens", "trained", "lora-r", "lora-alpha", "targets"].every((f) => values[f as keyof typeof values] === undefined);

/** What --model names: the page's first run, a named shape with random weights, or a folder, at --workload's sizes. */
function workload(name: string): Workload {
  if (name === "default" && pageRun) return defaultWorkload(engine, tokenizer);
  const shape = workloadShape(values, fail);
  const config = NAMED_SHAPES[name];
  if (config) {
    const vocab = (config as { vocab_size: number }).vocab_size;
    return syntheticWorkload(engine, name, async () => engine.createRandomModel(config, 1, { std: 0.02 }), vocab, shape);
  }
  const dir = name === "default" ? BUNDLED_MODEL_FOLDER : name;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    fail(`--model ${name} is neither default, one of ${Object.keys(NAMED_SHAPES).join(", ")}, nor a model folder.`);
  }
  // The default's ids stay below its tokenizer's vocabulary; a folder's below its config's.
  const vocab =
    name === "default" ? tokenizer.vocabSize : engine.parseModelConfig(readFileSync(path.join(dir, "config.json"), "utf8")).vocabSize;
  return syntheticWorkload(engine, path.basename(path.resolve(name)), () => loadModelDir(engine, dir), vocab, shape);
}

/** Rounds the timed steps are split into when PyTorch runs beside them, alternating engine and torch. */
const BASELINE_ROUNDS = 5;

/**
 * What torch_baseline.py builds the same model from: the bundled or a given Llama folder, or a named
 * Llama shape's config (random weights). Its PyTorch model is scripts/default-model/llama.py's
 * (tied head, no biases): other architectures have no baseline yet.
 */
function torchModelSource(name: string): { model_dir: string } | { config: object } {
  if (name === "default") return { model_dir: BUNDLED_MODEL_FOLDER };
  const config = (NAMED_SHAPES[name] ?? JSON.parse(readFileSync(path.join(name, "config.json"), "utf8"))) as {
    architectures?: string[];
    tie_word_embeddings?: boolean;
  };
  if (config.architectures?.[0] !== "LlamaForCausalLM" || config.tie_word_embeddings === false) {
    fail(
      `--baseline torch: ${name} is not a Llama with a tied head; the baseline's PyTorch model (scripts/default-model/llama.py) is only that, so measure it without --baseline.`,
    );
  }
  return NAMED_SHAPES[name] ? { config } : { model_dir: name };
}

/**
 * The same step in PyTorch (bench/torch_baseline.py), as a child process that times a round of
 * steps when asked: its rounds alternate with the engine's, so a noisy minute of the machine falls
 * on both. It runs on `threads` threads with OpenBLAS pinned to one (else OpenBLAS's own threads
 * oversubscribe the cores). Exits 2 when there is no torch here.
 */
async function torchBaseline(work: Workload, threads: number, warmUpSteps: number) {
  const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import torch"]).status === 0);
  if (!python) {
    console.error("bench: --baseline torch needs python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread).");
    process.exit(2);
  }
  const spec = { ...torchModelSource(values.model), ...torchStepSpec(work, warmUpSteps), threads };
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: String(threads) };
  const child = spawn(python, [path.join(import.meta.dirname, "torch_baseline.py")], { env });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.on("exit", (code) => {
    if (code) {
      console.error(`bench: bench/torch_baseline.py failed: ${stderr.trim().split("\n").at(-1)}`);
      process.exit(1);
    }
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const reply = async <T>(): Promise<T> => {
    const next = await lines.next();
    if (next.done) throw new Error("bench/torch_baseline.py ended without an answer");
    return JSON.parse(next.value) as T;
  };
  child.stdin.write(`${JSON.stringify(spec)}\n`);
  const info = await reply<{ torch?: string; threads?: number }>();
  const times: number[] = [];
  return {
    async round(steps: number): Promise<void> {
      child.stdin.write(`${steps}\n`);
      times.push(...(await reply<{ times_ms: number[] }>()).times_ms);
    },
    /** PyTorch's median over every round. */
    result() {
      child.stdin.end();
      return { ...info, ms_per_step: Math.round(median(times) * 100) / 100, steps: times.length };
    },
  };
}

function reportStep(row: StepRow) {
  if (values.json) return console.log(JSON.stringify(row));
  console.log(
    `${row.backend.padEnd(6)} ${`${row.model}${row.shape ? ` ${row.shape.workload}` : ""}: training step (batch ${row.batch})`.padEnd(44)} ${row.ms_per_step.toFixed(1).padStart(9)} ms       ` +
      `median of ${row.steps}; ${row.tokens_per_step} tokens (${row.trained_tokens_per_step} trained), ${row.kernels_per_step} kernels, peak ${(row.peak_bytes / 1e6).toFixed(0)} MB`,
  );
}

async function generation(eng: Engine, backend: string, prompt: number[]) {
  const model = await loadModelDir(eng, BUNDLED_MODEL_FOLDER);
  const t0 = performance.now();
  const out = await eng.generateGreedy(model, prompt, { maxNewTokens: 16, stopAtEos: false });
  const value = (out.length * 1000) / (performance.now() - t0);
  report({ backend, what: "default: greedy generation", value, unit: "tok/s", note: `${out.length} tokens with KV cache` });
  eng.disposeModel(model);
}

const work = workload(values.model);
if (values.only === "" || values.only === "checkpoint") {
  const backend = values.backend.split(",")[0];
  await engine.setBackend(backend as Parameters<typeof engine.setBackend>[0]);
  (await checkpointBench(engine, work, backend)).forEach(report);
  if (values.only === "checkpoint") process.exit(0);
}
/** PyTorch at one thread and at every core; the ratio is taken against the faster (the issue's fair comparison). */
const TORCH_THREADS = [...new Set([1, os.availableParallelism()])];
for (const backend of values.backend.split(",")) {
  const torches: Array<Awaited<ReturnType<typeof torchBaseline>>> = [];
  const interleave = values.baseline === "torch" && {
    rounds: BASELINE_ROUNDS,
    warmedUp: async (n: number) => {
      for (const threads of TORCH_THREADS) torches.push(await torchBaseline(work, threads, n));
    },
    afterRound: async (n: number) => {
      for (const t of torches) await t.round(n);
    },
  };
  let row: StepRow;
  try {
    row = await measureSteps(engine, work, backend, steps, WARM_UP, interleave || null);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(1);
  }
  reportStep(row);
  if (work.prompt) await generation(engine, backend, work.prompt);
  if (torches.length === 0) continue;
  const results = torches.map((t) => t.result());
  const best = results.reduce((a, b) => (b.ms_per_step < a.ms_per_step ? b : a));
  const base = {
    baseline: "torch",
    torch: best.torch,
    model: row.model,
    ...(row.shape ? { shape: row.shape } : {}),
    threads: results.map((r) => ({ threads: r.threads, ms_per_step: r.ms_per_step, steps: r.steps })),
    ms_per_step: best.ms_per_step,
    rounds: BASELINE_ROUNDS,
    engine_ms_per_step: row.ms_per_step,
    ratio: Math.round((row.ms_per_step / best.ms_per_step) * 100) / 100,
  };
  if (values.json) console.log(JSON.stringify(base));
  else
    console.log(
      `torch  ${row.model}${row.shape ? ` ${row.shape.workload}` : ""}: training step, PyTorch ${String(base.torch)} (${results.map((r) => `${String(r.threads)} thr ${r.ms_per_step.toFixed(1)} ms`).join(", ")})  ` +
        `engine/torch = ${String(base.ratio)} against the faster (${BASELINE_ROUNDS} rounds each, alternating)`,
    );
}
