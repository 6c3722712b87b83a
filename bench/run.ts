// `npm run bench`: how fast the engine trains and generates, per backend available in Node.
// Measures the bundled default model on the playground's default data (what a new user trains
// first) and a tiny fixture model; without the engine, the mask diagnosis on long text and the
// share-link decoder on hostile hashes. Prints one row per measurement and, with --json, JSON lines.
//   npm run bench [-- --backends cpu,wasm --steps 10 --only mask|share|engine --json]
import { parseArgs } from "node:util";
import { loadEngine } from "../src/cli/tfjsNode";
import { loadTokenizerDir } from "../src/cli/tokenizerDir";
import { buildMaskView } from "../src/core/maskView";
import { DEFAULT_STATE } from "../src/core/playgroundState";
import { buildTrainingData } from "../src/core/trainingData";
import { maskBench } from "./mask";
import { shareBench } from "./share";

const { values } = parseArgs({
  options: {
    backends: { type: "string", default: "cpu,wasm" },
    steps: { type: "string", default: "10" },
    only: { type: "string", default: "" },
    json: { type: "boolean", default: false },
  },
});
const steps = Number(values.steps);
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
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
const { createDefaultModel } = await import("../src/engine/defaultModel");
const { loraConfigFrom, trainingArgsFrom } = await import("../src/engine/session/settings");
const state = DEFAULT_STATE;
const view = buildMaskView(tokenizer, state.examples, state.formatting, state.masking);
const data = buildTrainingData(view, state.examples, state.holdout, state.training.maxSeqLength);
const examples = data.examples.map((e) => ({ input_ids: e.inputIds, labels: e.labels }));
const tokensPerExample = examples.reduce((n, e) => n + e.input_ids.length, 0) / examples.length;

for (const backend of values.backends.split(",")) {
  await engine.setBackend(backend as "cpu" | "wasm");
  const model = createDefaultModel(tokenizer.vocabSize, tokenizer.eosId);
  const lora = engine.createLora(model, loraConfigFrom(state.training, null), state.training.seed);
  const trainer = new engine.Trainer(model, lora, examples, { ...trainingArgsFrom(state.training), max_steps: steps + 1 });
  await trainer.step(); // warm-up: kernels, first allocations
  const times: number[] = [];
  for (let i = 0; i < steps; i++) times.push((await trainer.step()).ms);
  const ms = median(times);
  report({
    backend,
    what: "bundled default: training step (batch 1)",
    value: ms,
    unit: "ms",
    note: `median of ${steps}, ~${tokensPerExample.toFixed(0)} tokens, vocab ${tokenizer.vocabSize}`,
  });
  report({
    backend,
    what: "bundled default: training throughput",
    value: (tokensPerExample * 1000) / ms,
    unit: "tok/s",
    note: "input tokens per second",
  });
  const prompt = data.prompts[0].inputIds;
  const t0 = performance.now();
  const out = await engine.generateGreedy(model, prompt, { maxNewTokens: 16, stopAtEos: false, lora });
  const genMs = performance.now() - t0;
  report({
    backend,
    what: "bundled default: greedy generation",
    value: (out.length * 1000) / genMs,
    unit: "tok/s",
    note: `${out.length} tokens with KV cache`,
  });
  trainer.dispose();
  engine.disposeLora(lora);
  engine.disposeModel(model);
}
if (!values.json)
  console.log(`\n${rows.length} measurements. Node ${process.version}; the browser's WebGPU backend is measured by the e2e run, not here.`);
