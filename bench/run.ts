// `npm run bench`: the project's speed record. The engine's LoRA training step (bench/engine.ts) on
// the bundled default with the page's defaults, or a named model at its real shapes with random
// weights, or a model folder; greedy generation; and without the engine, the mask diagnosis on long
// text, the page's mask view per keystroke and the share-link decoder on hostile hashes. With
// --baseline torch, the same training step in PyTorch on this CPU (bench/torch_baseline.py) and the ratio.
//   npm run bench [-- --model default|bloom-560m|smollm2-135m|qwen2.5-0.5b|DIR --backend cpu,wasm
//                     --steps 30 --only mask|share|engine --baseline torch --json]
import { parseArgs } from "node:util";
import { loadEngine } from "../src/cli/tfjsNode";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import { createInterface } from "node:readline";
import path from "node:path";
import { loadModelDir, type Engine } from "../src/cli/engineArgs";
import { BUNDLED_MODEL_FOLDER, loadTokenizerDir } from "../src/cli/tokenizerDir";
import { NAMED_SHAPES, defaultWorkload, measureSteps, median, syntheticWorkload, WARM_UP, type StepRow, type Workload } from "./engine";
import { keystrokeBench, maskBench } from "./mask";
import { shareBench } from "./share";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "default" },
    backend: { type: "string", default: "cpu,wasm" },
    baseline: { type: "string", default: "" },
    steps: { type: "string", default: "30" },
    only: { type: "string", default: "" },
    json: { type: "boolean", default: false },
  },
});
const steps = Number(values.steps);
if (values.baseline !== "" && values.baseline !== "torch") {
  console.error(`bench: --baseline ${values.baseline} is not known; the one baseline is torch.`);
  process.exit(2);
}
if (!["", "mask", "share", "engine"].includes(values.only)) {
  console.error(`bench: --only ${values.only} is not a measurement group; give mask, share or engine, or leave it out for all.`);
  process.exit(2);
}

interface Row {
  backend: string;
  what: string;
  value: number;
  unit: string;
  note: string;
}
const rows: Row[] = [];

function report(row: Row) {
  rows.push(row);
  if (values.json) console.log(JSON.stringify(row));
  else console.log(`${row.backend.padEnd(6)} ${row.what.padEnd(44)} ${row.value.toFixed(1).padStart(9)} ${row.unit.padEnd(8)} ${row.note}`);
}

const tokenizer = loadTokenizerDir("default");
if (values.only === "" || values.only === "mask") {
  for (const r of maskBench(tokenizer)) {
    report({
      backend: "core",
      what: `mask, template not found: ${r.chars / 1000}k chars`,
      value: r.ms,
      unit: "ms",
      note: `${r.tokens} tokens, ${((r.ms * 1000) / r.tokens).toFixed(1)} µs per token`,
    });
  }
}
if (values.only === "" || values.only === "mask") {
  const k = keystrokeBench(tokenizer);
  report({
    backend: "core",
    what: `mask view, one keystroke: ${k.examples} examples`,
    value: k.ms,
    unit: "ms",
    note: `~${Math.round(k.tokensPerExample)} tokens each; median rebuild of the page's view after one character`,
  });
}
if (values.only === "" || values.only === "share") {
  const r = shareBench();
  report({
    backend: "core",
    what: "share decode, worst of hostile hashes",
    value: r.worstMs,
    unit: "ms",
    note: `${r.worstKind}; median ${r.medianMs.toFixed(2)} ms of ${r.cases}`,
  });
}
if (values.only === "mask" || values.only === "share") {
  if (!values.json) console.log(`\n${rows.length} measurements. Node ${process.version}.`);
  process.exit(0);
}

const engine = await loadEngine();
engine.tf.env().set("PROD", true);
/** What --model names: the page's first run, a named shape with random weights, or a folder. */
function workload(name: string): Workload {
  if (name === "default") return defaultWorkload(engine, tokenizer);
  const shape = NAMED_SHAPES[name];
  if (shape) {
    const vocab = (shape as { vocab_size: number }).vocab_size;
    return syntheticWorkload(engine, name, async () => engine.createRandomModel(shape, 1, { std: 0.02 }), vocab);
  }
  if (!existsSync(name) || !statSync(name).isDirectory()) {
    console.error(`bench: --model ${name} is neither default, one of ${Object.keys(NAMED_SHAPES).join(", ")}, nor a model folder.`);
    process.exit(2);
  }
  const config = engine.parseModelConfig(readFileSync(path.join(name, "config.json"), "utf8"));
  return syntheticWorkload(engine, path.basename(path.resolve(name)), () => loadModelDir(engine, name), config.vocabSize);
}

/** Rounds the timed steps are split into when PyTorch runs beside them, alternating engine and torch. */
const BASELINE_ROUNDS = 5;

/**
 * The same step in PyTorch (bench/torch_baseline.py) on the bundled model's folder, as a child
 * process that times a round of steps when asked: its rounds alternate with the engine's, so a
 * noisy minute of the machine falls on both. Exits 2 when there is no torch here.
 */
class TorchBaseline {
  private child: ChildProcessWithoutNullStreams | null = null;
  private lines: AsyncIterator<string> | null = null;
  private times: number[] = [];
  private info: { torch?: string; threads?: number } = {};

  constructor(private work: Workload) {}

  async start(warmUpSteps: number): Promise<void> {
    const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import torch"]).status === 0);
    if (!python) {
      console.error("bench: --baseline torch needs python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread).");
      process.exit(2);
    }
    const w = this.work;
    const spec = {
      model_dir: BUNDLED_MODEL_FOLDER,
      // torch_baseline.py reads HF's column names.
      examples: w.examples.map((e) => ({ input_ids: e.inputIds, labels: e.labels })),
      lora: { r: w.lora.r, lora_alpha: w.lora.lora_alpha, target_modules: w.lora.target_modules },
      learning_rate: w.args.learning_rate,
      batch: w.args.per_device_train_batch_size ?? 1,
      pad_token_id: w.args.pad_token_id ?? 0,
      warm_up_steps: warmUpSteps,
      threads: os.availableParallelism(),
    };
    this.child = spawn(python, [path.join(import.meta.dirname, "torch_baseline.py")]);
    let stderr = "";
    this.child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    this.child.on("exit", (code) => {
      if (code) {
        console.error(`bench: bench/torch_baseline.py failed: ${stderr.trim().split("\n").at(-1)}`);
        process.exit(1);
      }
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.child.stdin.write(`${JSON.stringify(spec)}\n`);
    this.info = await this.reply();
  }

  async round(steps: number): Promise<void> {
    this.child!.stdin.write(`${steps}\n`);
    const { times_ms } = (await this.reply()) as { times_ms: number[] };
    this.times.push(...times_ms);
  }

  /** PyTorch's median over every round, beside the engine's. */
  result(engine: StepRow): Record<string, unknown> {
    this.child!.stdin.end();
    const ms = Math.round(median(this.times) * 100) / 100;
    const ratio = Math.round((engine.ms_per_step / ms) * 100) / 100;
    return {
      baseline: "torch",
      ...this.info,
      ms_per_step: ms,
      steps: this.times.length,
      rounds: BASELINE_ROUNDS,
      model: engine.model,
      engine_ms_per_step: engine.ms_per_step,
      ratio,
    };
  }

  private async reply(): Promise<Record<string, unknown>> {
    const next = await this.lines!.next();
    if (next.done) throw new Error("bench/torch_baseline.py ended without an answer");
    return JSON.parse(next.value) as Record<string, unknown>;
  }
}

function reportStep(row: StepRow) {
  if (values.json) return console.log(JSON.stringify(row));
  console.log(
    `${row.backend.padEnd(6)} ${`${row.model}: training step (batch ${row.batch})`.padEnd(44)} ${row.ms_per_step.toFixed(1).padStart(9)} ms       ` +
      `median of ${row.steps}; ${row.tokens_per_step} tokens (${row.trained_tokens_per_step} trained), ${row.kernels_per_step} kernels, peak ${(row.peak_bytes / 1e6).toFixed(0)} MB`,
  );
}

async function generation(eng: Engine, backend: string, prompt: number[]) {
  const model = await loadModelDir(eng, BUNDLED_MODEL_FOLDER);
  const t0 = performance.now();
  const out = await eng.generateGreedy(model, prompt, { maxNewTokens: 16, stopAtEos: false });
  report({
    backend,
    what: "default: greedy generation",
    value: (out.length * 1000) / (performance.now() - t0),
    unit: "tok/s",
    note: `${out.length} tokens with KV cache`,
  });
  eng.disposeModel(model);
}

const work = workload(values.model);
if (values.baseline === "torch" && values.model !== "default") {
  console.error("bench: --baseline torch runs on the bundled default only (the baseline reads its Llama folder).");
  process.exit(2);
}
for (const backend of values.backend.split(",")) {
  const torch = values.baseline === "torch" ? new TorchBaseline(work) : null;
  const interleave = torch && {
    rounds: BASELINE_ROUNDS,
    warmedUp: (n: number) => torch.start(n),
    afterRound: (n: number) => torch.round(n),
  };
  let row: StepRow;
  try {
    row = await measureSteps(engine, work, backend, steps, WARM_UP, interleave);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(1);
  }
  reportStep(row);
  const base = torch?.result(row);
  if (work.prompt) await generation(engine, backend, work.prompt);
  if (base && values.json) console.log(JSON.stringify(base));
  else if (base)
    console.log(
      `torch  default: training step, PyTorch ${String(base.torch)} (${String(base.threads)} threads)  ${Number(base.ms_per_step).toFixed(1).padStart(9)} ms       engine/torch = ${String(base.ratio)} (${BASELINE_ROUNDS} rounds each, alternating)`,
    );
}
if (!values.json) console.log(`\nNode ${process.version}; the browser's WebGPU backend is measured by the e2e run, not here.`);
