// `train`: headless LoRA fine-tuning with HF Trainer defaults; one line per step, then writes a
// PEFT adapter folder loadable by PeftModel.from_pretrained.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { toHf, withHfDefaults } from "../../core/settings/hf";
import { NOTEBOOK_TRAINING } from "../../core/settings/trainingSettings";
import { DEFAULT_MODEL_FLAG, defaultTrainingExamples, loadDefaultSetup } from "../defaultSetup";
import { backendFlag, backendFor, type Engine, engineCommand, engineWithBackend, loadModelDir, modelFlag } from "../engineArgs";
import { SETTINGS_OPTIONS, settingsFromFlags, settingsHelp } from "../settingsFlags";
import { readTrainingData } from "../trainingData";

const USAGE = `usage: npm run -s cli -- train --model DIR|default --data FILE --out DIR [settings] [--backend cpu|wasm|webgpu] [--json]
--model DIR: a model folder with pre-tokenized data (FILE.jsonl: one {"input_ids": [...], "labels": [...]} per line,
  labels -100 = not trained on), with HF TrainingArguments' and PEFT LoraConfig's defaults.
--model default: the page's bundled model with the page's defaults (settings, formatting, markers strategy);
  FILE is any dataset the page accepts, e.g. {"messages": [{"role": "user", ...}, ...]} lines.
Settings (the page's settings table, with the page's defaults; a model folder starts from HF's and PEFT's instead):`;

const Flags = z
  .object({
    model: modelFlag,
    data: z.string({ error: "--data FILE is required" }),
    out: z.string({ error: "--out DIR is required (where the PEFT adapter is written)" }),
    steps: z.string().optional(),
    epochs: z.string().optional(),
    backend: backendFlag,
    json: z.boolean().default(false),
  })
  .passthrough()
  .refine((f) => f.steps === undefined || f.epochs === undefined, "give --steps or --epochs, not both");

export const run = engineCommand(
  `${USAGE}\n${settingsHelp(DEFAULT_STATE.training)}`,
  { data: { type: "string" }, out: { type: "string" }, ...SETTINGS_OPTIONS },
  Flags,
  async (f) => {
    const engine = await engineWithBackend(backendFor(f.backend, f.model));
    const { model, lora, trainer } = f.model === DEFAULT_MODEL_FLAG ? await defaultRun(engine, f) : await folderRun(engine, f);
    while (!trainer.done) {
      const s = await trainer.step();
      process.stdout.write(
        f.json
          ? `${JSON.stringify(s)}\n`
          : `step ${s.step}/${s.totalSteps} loss ${s.loss.toFixed(4)} lr ${s.learningRate.toExponential(2)} grad_norm ${s.gradNorm.toFixed(4)} tokens ${s.tokens} ${s.msPerStep.toFixed(0)} ms\n`,
      );
    }
    const files = await engine.exportAdapter(model, lora);
    mkdirSync(f.out, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(f.out, name), content);
    if (!f.json) process.stdout.write(`wrote ${path.join(f.out, "adapter_model.safetensors")}\n`);
    return 0;
  },
);

type Flags = z.infer<typeof Flags>;

/** A model folder with pre-tokenized data: HF Trainer and PEFT defaults unless flags say otherwise. */
async function folderRun(engine: Engine, f: Flags) {
  const model = await loadModelDir(engine, f.model);
  const data = readTrainingData(f.data, model.config.vocabSize);
  const settings = settingsFromFlags(f, withHfDefaults(NOTEBOOK_TRAINING));
  const { trainingArguments, loraConfig, sftArguments } = toHf(settings);
  const lora = engine.createLora(model, loraConfig, settings.seed);
  const trainer = new engine.Trainer(model, lora, data, {
    ...trainingArguments,
    ...sftArguments,
    pad_token_id: model.config.padTokenId ?? 0,
  });
  return { model, lora, trainer };
}

/** The bundled model on chat data, with the page's default settings unless flags say otherwise. */
async function defaultRun(engine: Engine, f: Flags) {
  const setup = await loadDefaultSetup(engine);
  const settings = settingsFromFlags(f, setup.settings);
  const data = await defaultTrainingExamples(f.data, setup.tokenizer, settings);
  const { trainingArguments, loraConfig, sftArguments } = toHf(settings);
  const lora = engine.createLora(setup.model, loraConfig, settings.seed);
  const trainer = new engine.Trainer(setup.model, lora, data, { ...trainingArguments, ...sftArguments });
  return { model: setup.model, lora, trainer };
}
