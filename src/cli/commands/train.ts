// `train`: headless LoRA fine-tuning with HF Trainer defaults; one line per step, then writes a
// PEFT adapter folder loadable by PeftModel.from_pretrained.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { TrainingSettings } from "../../core/playgroundState";
import { loraConfigFrom, trainingArgsFrom } from "../../engine/session/settings";
import { DEFAULT_MODEL_FLAG, defaultTrainingExamples, loadDefaultSetup } from "../defaultSetup";
import { COMMON_OPTIONS, backendFlag, backendFor, loadModelDir, modelFlag, engineWithBackend, validate, withCliErrors, type Engine } from "../engineArgs";
import { readTrainingData } from "../trainingData";

const HELP = `usage: npm run -s cli -- train --model DIR|default --data FILE.jsonl --out DIR
         [--steps N | --epochs 3] [--lr 5e-5] [--batch-size 8] [--warmup-steps 0] [--seed 42]
         [--r 8] [--lora-alpha 8]
         [--lora-dropout 0] [--target-modules q_proj,v_proj|all-linear] [--backend cpu|wasm|webgpu] [--json]
Defaults are HF TrainingArguments' and PEFT LoraConfig's. FILE.jsonl: one {"input_ids": [...], "labels": [...]} per line (labels -100 = not trained on).
--model default: the page's bundled model with the page's defaults (settings, formatting, markers
strategy); FILE is any dataset the page accepts, e.g. {"messages": [{"role": "user", ...}, ...]} lines.`;

const num = (flag: string, int = false) =>
  z
    .string()
    .regex(int ? /^\d+$/ : /^[0-9.]+(e-?\d+)?$/i, `${flag} expects ${int ? "a whole number" : "a number"}`)
    .transform(Number)
    .optional();

const Flags = z
  .object({
    model: modelFlag,
    data: z.string({ error: "--data FILE.jsonl is required" }),
    out: z.string({ error: "--out DIR is required (where the PEFT adapter is written)" }),
    steps: num("--steps", true),
    epochs: num("--epochs"),
    lr: num("--lr"),
    "batch-size": num("--batch-size", true),
    "warmup-steps": num("--warmup-steps", true),
    seed: num("--seed", true),
    r: num("--r", true),
    "lora-alpha": num("--lora-alpha"),
    "lora-dropout": num("--lora-dropout"),
    "target-modules": z.string().optional(),
    backend: backendFlag,
    json: z.boolean().default(false),
  })
  .refine((f) => f.steps === undefined || f.epochs === undefined, "give --steps or --epochs, not both");

export async function run(argv: string[]): Promise<number> {
  return withCliErrors(async () => {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        ...COMMON_OPTIONS,
        data: { type: "string" },
        out: { type: "string" },
        steps: { type: "string" },
        epochs: { type: "string" },
        lr: { type: "string" },
        "batch-size": { type: "string" },
        "warmup-steps": { type: "string" },
        seed: { type: "string" },
        r: { type: "string" },
        "lora-alpha": { type: "string" },
        "lora-dropout": { type: "string" },
        "target-modules": { type: "string" },
      },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const f = validate(Flags, values);
    const engine = await engineWithBackend(backendFor(f.backend, f.model));
    const { model, lora, trainer } = f.model === DEFAULT_MODEL_FLAG ? await defaultRun(engine, f) : await folderRun(engine, f);
    while (!trainer.done) {
      const s = await trainer.step();
      process.stdout.write(
        f.json
          ? `${JSON.stringify(s)}\n`
          : `step ${s.step}/${trainer.totalSteps} loss ${s.loss.toFixed(4)} lr ${s.lr.toExponential(2)} grad_norm ${s.gradNorm.toFixed(4)} tokens ${s.tokens} ${s.ms.toFixed(0)} ms\n`,
      );
    }
    const files = await engine.exportAdapter(model, lora);
    mkdirSync(f.out, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(f.out, name), content);
    if (!f.json) process.stdout.write(`wrote ${path.join(f.out, "adapter_model.safetensors")}\n`);
    return 0;
  });
}

type Flags = z.infer<typeof Flags>;

/** A model folder with pre-tokenized data: HF Trainer and PEFT defaults unless flags say otherwise. */
async function folderRun(engine: Engine, f: Flags) {
  const model = await loadModelDir(engine, f.model);
  const data = readTrainingData(f.data, model.config.vocabSize);
  const targets = f["target-modules"];
  const seed = f.seed ?? engine.TRAINING_DEFAULTS.seed;
  const lora = engine.createLora(
    model,
    {
      r: f.r ?? engine.LORA_DEFAULTS.r,
      lora_alpha: f["lora-alpha"] ?? engine.LORA_DEFAULTS.lora_alpha,
      lora_dropout: f["lora-dropout"] ?? engine.LORA_DEFAULTS.lora_dropout,
      target_modules: targets === undefined ? null : targets === "all-linear" ? "all-linear" : (targets.split(",") as [string, ...string[]]),
    },
    seed,
  );
  const trainer = new engine.Trainer(model, lora, data, {
    learning_rate: f.lr ?? engine.TRAINING_DEFAULTS.learning_rate,
    max_steps: f.steps ?? -1,
    num_train_epochs: f.epochs ?? engine.TRAINING_DEFAULTS.num_train_epochs,
    per_device_train_batch_size: f["batch-size"] ?? engine.TRAINING_DEFAULTS.per_device_train_batch_size,
    warmup_steps: f["warmup-steps"] ?? 0,
    seed,
    pad_token_id: model.config.padTokenId ?? 0,
  });
  return { model, lora, trainer };
}

/** The bundled model on chat data, with the page's default settings unless flags say otherwise. */
async function defaultRun(engine: Engine, f: Flags) {
  const setup = await loadDefaultSetup(engine);
  const base = setup.settings;
  const targets = f["target-modules"];
  const settings: TrainingSettings = {
    ...base,
    learningRate: f.lr ?? base.learningRate,
    maxSteps: f.steps ?? base.maxSteps,
    epochs: f.epochs ?? base.epochs,
    batchSize: f["batch-size"] ?? base.batchSize,
    warmupSteps: f["warmup-steps"] ?? base.warmupSteps,
    seed: f.seed ?? base.seed,
    lora: {
      ...base.lora,
      r: f.r ?? base.lora.r,
      loraAlpha: f["lora-alpha"] ?? base.lora.loraAlpha,
      loraDropout: f["lora-dropout"] ?? base.lora.loraDropout,
      targetModules: targets === undefined ? base.lora.targetModules : targets.split(","),
    },
  };
  const data = await defaultTrainingExamples(f.data, setup.tokenizer, settings);
  const lora = engine.createLora(setup.model, loraConfigFrom(settings, null), settings.seed);
  const examples = data.map((e) => ({ input_ids: e.inputIds, labels: e.labels }));
  const trainer = new engine.Trainer(setup.model, lora, examples, trainingArgsFrom(settings));
  return { model: setup.model, lora, trainer };
}
