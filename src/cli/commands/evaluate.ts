// `evaluate`: each example's loss with a PEFT adapter, for the bring-back check of an export. Prints
// the same lines as the export's evaluate.py for the same adapter and data/tokenized.jsonl, so the
// playground's engine and PyTorch + PEFT can be compared example by example.
import { z } from "zod";
import { backendFlag, backendFor, engineCommand, engineWithBackend, modelFlag } from "../engineArgs";
import { loadAdapterDir, loadModelDir, modelFolder } from "../modelFiles";
import { readTrainingData } from "../trainingData";

const HELP = `usage: npm run -s cli -- evaluate --model DIR|default --data tokenized.jsonl [--adapter DIR] [--backend cpu|wasm|webgpu] [--json]
Each example's causal-LM loss (labels shifted by one, -100 ignored, mean over the trained tokens), one line
each, as an export's evaluate.py prints them: "example N: loss L over K trained tokens", then the mean.
--data: {"input_ids": [...], "labels": [...]} lines, e.g. an export's data/tokenized.jsonl.`;

const Flags = z.object({
  model: modelFlag,
  data: z.string({ error: "--data FILE is required (e.g. an export's data/tokenized.jsonl)" }),
  adapter: z.string().optional(),
  backend: backendFlag,
  json: z.boolean().default(false),
});

export const run = engineCommand({ help: HELP, flags: Flags }, async (f) => {
  const engine = await engineWithBackend(backendFor(f.backend, f.model));
  const model = await loadModelDir(engine, modelFolder(f.model));
  // The adapter first: one with added tokens grows the vocabulary the data uses.
  const lora = f.adapter ? await loadAdapterDir(engine, model, f.adapter) : null;
  const examples = readTrainingData(f.data, model.config.vocabSize);
  const losses: number[] = [];
  examples.forEach((e, i) => {
    const tokens = engine.countedTokens([e.labels]);
    const loss =
      tokens === 0
        ? null
        : engine.tf.tidy(() => engine.causalLmLoss(engine.forward(model, [e.inputIds], { lora }), [e.labels]).dataSync()[0]);
    if (loss !== null) losses.push(loss);
    const n = i + 1;
    if (f.json) process.stdout.write(`${JSON.stringify({ example: n, loss, tokens })}\n`);
    else
      process.stdout.write(
        loss === null ? `example ${n}: no trained tokens\n` : `example ${n}: loss ${loss.toFixed(6)} over ${tokens} trained tokens\n`,
      );
  });
  if (losses.length && !f.json)
    process.stdout.write(`mean loss ${(losses.reduce((a, b) => a + b, 0) / losses.length).toFixed(6)} over ${losses.length} examples\n`);
  return 0;
});
