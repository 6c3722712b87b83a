// `train`: headless LoRA fine-tuning with HF Trainer defaults; one line per step, then writes a
// PEFT adapter folder loadable by PeftModel.from_pretrained.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { toHf, withHfDefaults } from "../../core/settings/hf";
import { NOTEBOOK_TRAINING } from "../../core/settings/trainingSettings";
import { DEFAULT_MODEL_FLAG, defaultTrainingData } from "../defaultSetup";
import { backendFlag, backendFor, type Engine, engineCommand, engineWithBackend, modelFlag } from "../engineArgs";
import { loadModelDir, modelFolder } from "../modelFiles";
import { loadTokenizerDir } from "../tokenizerDir";
import { SETTINGS_OPTIONS, settingsFromFlags, settingsHelp } from "../settingsFlags";
import { readTrainingData } from "../trainingData";
import { refuseTrainerForFolder, TRAINER_FLAG_OPTIONS, TRAINER_FLAGS_HELP, trainerChoiceFromFlags } from "../trainerFlags";
import { evaluationSets } from "../../core/evalSplit";
import { StepLogger, type StepLogLine } from "../../core/stepLog";
import type { TrainingSettings } from "../../core/settings/trainingSettings";
import type { TrainExample } from "../../core/types";
import { readCheckpointDir, writeCheckpointDir } from "../checkpointDir";
import { asCliError, CliError } from "../cliError";
import type { CausalLM, LoraAdapter, Trainer } from "../../engine/index";

const USAGE = `usage: npm run -s cli -- train --model DIR|default --data FILE --out DIR [settings] [--resume-from-checkpoint DIR] [--backend cpu|wasm|webgpu] [--json]
--model DIR: a model folder with pre-tokenized data (FILE.jsonl: one {"input_ids": [...], "labels": [...]} per line,
  labels -100 = not trained on), with HF TrainingArguments' and PEFT LoraConfig's defaults.
--model default: the page's bundled model with the page's defaults (settings, formatting, markers strategy);
  FILE is any dataset the page accepts, e.g. {"messages": [{"role": "user", ...}, ...]} lines.
${TRAINER_FLAGS_HELP}
--eval-data FILE: examples to evaluate (same format as --data), instead of holding out --eval-split of --data; their loss
  is measured every --eval-steps (--eval-strategy) and printed as eval_loss.
--json: one JSON line per logged step (every --logging-steps): step, epoch, loss (mean since the last log), learning_rate,
  grad_norm, tokens (trained tokens since the last log) and eval_loss when evaluated, in transformers' log_history names.
--save-steps N writes OUT/checkpoint-STEP/ every N steps and at the end (adapter, optimizer, scheduler, trainer_state.json,
  rng_state.json), keeping the newest --save-total-limit; --resume-from-checkpoint OUT/checkpoint-STEP (or OUT: its newest)
  continues that run exactly, given the same data and settings.
Settings (the page's settings table, with the page's defaults; a model folder starts from HF's and PEFT's instead):`;

const Flags = z
  .object({
    model: modelFlag,
    data: z.string({ error: "--data FILE is required" }),
    out: z.string({ error: "--out DIR is required (where the PEFT adapter is written)" }),
    "resume-from-checkpoint": z.string().optional(),
    "eval-data": z.string().optional(),
    backend: backendFlag,
    json: z.boolean().default(false),
  })
  .passthrough()
  .refine((f) => f.steps === undefined || f.epochs === undefined, "give --steps or --epochs, not both");

export const run = engineCommand(
  { help: `${USAGE}\n${settingsHelp(DEFAULT_STATE.training)}`, flags: Flags, options: { ...TRAINER_FLAG_OPTIONS, ...SETTINGS_OPTIONS } },
  async (f) => {
    // A checkpoint that is not there is refused before the model loads.
    const checkpoint = f["resume-from-checkpoint"] === undefined ? null : readCheckpointDir(f["resume-from-checkpoint"]);
    const engine = await engineWithBackend(backendFor(f.backend, f.model));
    const { model, lora, trainer, settings } = await buildRun(engine, f);
    const log = checkpoint ? resume(engine, { model, lora, trainer }, checkpoint, f.json) : [];
    const { saveSteps, saveTotalLimit } = settings;
    const logger = new StepLogger(settings.loggingSteps);
    while (!trainer.done) {
      const s = await trainer.step();
      const line = logger.add(s);
      if (line) log.push(line);
      if (line) process.stdout.write(f.json ? `${JSON.stringify(line)}\n` : `${logText(line, s.totalSteps)}\n`);
      // Every save_steps, and at the last step as DefaultFlowCallback.on_step_end sets should_save there.
      if (saveSteps > 0 && (s.step % saveSteps === 0 || trainer.done)) {
        const files = await engine.checkpointFiles(model, lora, trainer, log, settings);
        const dir = writeCheckpointDir(f.out, s.step, files, saveTotalLimit);
        if (!f.json) process.stdout.write(`saved ${dir}\n`);
      }
    }
    const files = await engine.exportAdapter(model, lora);
    mkdirSync(f.out, { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(f.out, name), content);
    if (!f.json) process.stdout.write(`wrote ${path.join(f.out, "adapter_model.safetensors")}\n`);
    return 0;
  },
);

type Flags = z.infer<typeof Flags>;

/** "step 5/75 loss 1.2345 lr 1.00e-3 grad_norm 0.4321 tokens 12 eval_loss 1.5432", the line without --json. */
function logText(line: StepLogLine, totalSteps: number): string {
  const parts = [`step ${line.step}/${totalSteps}`];
  if (line.loss !== undefined) parts.push(`loss ${line.loss.toFixed(4)}`);
  if (line.learning_rate !== undefined) parts.push(`lr ${line.learning_rate.toExponential(2)}`);
  if (line.grad_norm !== undefined) parts.push(`grad_norm ${line.grad_norm.toFixed(4)}`);
  if (line.tokens !== undefined) parts.push(`tokens ${line.tokens}`);
  if (line.eval_loss !== undefined) parts.push(`eval_loss ${line.eval_loss.toFixed(4)}`);
  return parts.join(" ");
}

/** The training examples and the Trainer's evaluation plan: --eval-data's examples, or --eval-split of the data. */
function evaluationOf(data: TrainExample[], evalData: TrainExample[] | null, settings: TrainingSettings) {
  const sets = asCliError("--eval-split / --eval-data", () => evaluationSets(data, evalData, settings));
  return { train: sets.train, plan: { examples: sets.eval, ...toHf(settings).evalArguments } };
}

/** --eval-data read as --data is, with its errors naming --eval-data. */
async function readEvalData<T>(f: Flags, read: (file: string) => Promise<T>): Promise<T | null> {
  const file = f["eval-data"];
  if (file === undefined) return null;
  try {
    return await read(file);
  } catch (err) {
    if (err instanceof CliError) throw new CliError(err.message.replace("--data", "--eval-data"));
    throw err;
  }
}

/** Restores a checkpoint into the run just built (same data and settings); returns its log_history. */
function resume(
  engine: Engine,
  run: { model: CausalLM; lora: LoraAdapter; trainer: Trainer },
  { dir, files }: ReturnType<typeof readCheckpointDir>,
  json: boolean,
): StepLogLine[] {
  const checkpoint = asCliError("--resume-from-checkpoint", () => {
    const parsed = engine.parseCheckpoint(run.model, run.lora, files, dir);
    engine.restoreCheckpoint(run.model, run.lora, run.trainer, parsed, dir);
    return parsed;
  });
  if (!json) process.stdout.write(`resumed from ${dir} at step ${checkpoint.state.globalStep}\n`);
  return [...checkpoint.log];
}

/**
 * The run the flags ask for: a model folder with pre-tokenized data, HF Trainer's and PEFT's defaults;
 * or the bundled model on chat data, the page's default settings; flags override either.
 */
async function buildRun(engine: Engine, f: Flags) {
  const folder = f.model !== DEFAULT_MODEL_FLAG;
  if (folder) refuseTrainerForFolder("train", f);
  const model = await loadModelDir(engine, modelFolder(f.model));
  const settings = settingsFromFlags(f, folder ? withHfDefaults(NOTEBOOK_TRAINING) : DEFAULT_STATE.training);
  const preset = folder ? null : trainerChoiceFromFlags("train", f);
  const tokenizer = folder ? null : loadTokenizerDir("default");
  const read = async (file: string) =>
    tokenizer
      ? (await defaultTrainingData(file, tokenizer, settings, preset)).data.examples
      : readTrainingData(file, model.config.vocabSize);
  const { train, plan } = evaluationOf(await read(f.data), await readEvalData(f, read), settings);
  const { trainingArguments, loraConfig, sftArguments } = toHf(settings);
  const lora = engine.createLora(model, loraConfig, settings.seed);
  const args = { ...trainingArguments, ...sftArguments, ...(folder ? { pad_token_id: model.config.padTokenId ?? 0 } : {}) };
  return { model, lora, trainer: new engine.Trainer(model, lora, train, args, plan), settings };
}
