// `forward`: logits, loss and (with --grads) LoRA gradients for one sequence, as JSON — the same
// quantities the fixtures' reference.json holds, for comparison with PyTorch.

import { z } from "zod";
import { CliError } from "../cliError";
import { backendFlag, backendFor, engineCommand, engineWithBackend, idList, modelFlag } from "../engineArgs";
import { loadAdapterDir, loadAnyModel } from "../modelFiles";

const HELP = `usage: npm run -s cli -- forward --model DIR --input-ids 1,2,3 [--labels=-100,2,3]
         [--adapter DIR] [--grads] [--backend cpu|wasm|webgpu] [--json]
Prints {"loss", "logits": [T][V], "grads": {PEFT name: [..]}}. --labels defaults to the input ids
(HF's labels=input_ids); -100 ignores a position. --grads needs --adapter.`;

const Flags = z
  .object({
    model: modelFlag,
    "input-ids": idList("--input-ids"),
    labels: idList("--labels", true).optional(),
    adapter: z.string().optional(),
    grads: z.boolean().default(false),
    backend: backendFlag,
    json: z.boolean().default(false),
  })
  .refine(
    (f) => !f.grads || f.adapter !== undefined,
    "--grads needs --adapter DIR: gradients are taken with respect to the adapter's LoRA parameters",
  )
  .refine((f) => !f.labels || f.labels.length === f["input-ids"].length, "--labels must have as many entries as --input-ids");

export const run = engineCommand({ help: HELP, flags: Flags }, async (f) => {
  const engine = await engineWithBackend(backendFor(f.backend, f.model));
  const { tf } = engine;
  const { model } = await loadAnyModel(engine, f.model);
  const ids = f["input-ids"];
  // The adapter first: one with added tokens grows the vocabulary those ids may use.
  const lora = f.adapter ? await loadAdapterDir(engine, model, f.adapter) : null;
  const bad = ids.find((id) => id >= model.config.vocabSize);
  if (bad !== undefined) throw new CliError(`--input-ids: token id ${bad} is outside the vocabulary (size ${model.config.vocabSize})`);
  const labels = f.labels ?? ids;
  const out: { loss: number; logits: number[][]; grads?: Record<string, unknown> } = tf.tidy(() => {
    const logits = engine.forward(model, [ids], { lora });
    return { loss: engine.causalLmLoss(logits, [labels]).dataSync()[0], logits: logits.arraySync()[0] };
  });
  if (f.grads && lora) {
    const { grads } = engine.lossAndGrads(model, lora, { inputIds: [ids], labels: [labels], attentionMask: [ids.map(() => 1)] });
    out.grads = Object.fromEntries([...grads].map(([k, g]) => [k, g.arraySync()]));
    tf.dispose([...grads.values()]);
  }
  if (f.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`loss ${out.loss}\n`);
    process.stdout.write(`argmax ${out.logits.map((row) => row.indexOf(Math.max(...row))).join(",")}\n`);
    if (out.grads) for (const k of Object.keys(out.grads)) process.stdout.write(`grad ${k}\n`);
  }
  return 0;
});
