// `export`: the run `train` would make, as a training project for an existing trainer (transformers
// Trainer + PEFT under accelerate, TRL, axolotl; see src/core/export). The same flags as `train`; the
// files are written to --out line by line, so a large dataset is never one string here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { BUNDLED_MODEL_DIR, exportFiles, fileChunks, type ExportFile, type ExportInput, type ExportModel } from "../../core/export/index";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { CliError } from "../cliError";
import { DEFAULT_MODEL_FLAG, defaultTrainingData } from "../defaultSetup";
import { backendFlag, type Engine, engineCommand, engineWithBackend, modelFlag } from "../engineArgs";
import { SETTINGS_OPTIONS, settingsFromFlags, settingsHelp } from "../settingsFlags";
import { refuseTrainerForFolder, TRAINER_FLAG_OPTIONS, TRAINER_FLAGS_HELP, trainerChoiceFromFlags } from "../trainerFlags";
import { describeChoice } from "../../core/trainers/trainerView";
import { BUNDLED_MODEL_FILES } from "../../core/bundledModel";
import { BUNDLED_MODEL_FOLDER, loadTokenizerDir } from "../tokenizerDir";
import { readTrainingData } from "../trainingData";
import { writeOutput } from "../modelFiles";
import { withHfDefaults } from "../../core/settings/hf";
import { NOTEBOOK_TRAINING } from "../../core/settings/trainingSettings";

const USAGE = `usage: npm run -s cli -- export --model DIR|default --data FILE --out DIR [settings] [--base-model HUB_ID [--revision REV]] [--json]
       npm run -s cli -- export --model default --base-model-only --out DIR
Writes the run \`train\` would make with the same flags as a folder for transformers Trainer + PEFT
(train.py, accelerate configs for 1 GPU / 8-GPU DDP / FSDP / DeepSpeed ZeRO-2, a Slurm script), TRL
(trl_sft.py) and axolotl (axolotl.yaml), with the data as messages JSONL and as the playground's own
input_ids / labels, and a README.
--model default: the bundled model (its weights go to DIR/${BUNDLED_MODEL_DIR}/), chat data, the page's defaults.
--model DIR: a model folder with pre-tokenized data, as \`train\`; train.py names it --base-model (a hub id) or DIR.
--base-model-only: only DIR/${BUNDLED_MODEL_DIR}/, e.g. into a zip exported from the page.
${TRAINER_FLAGS_HELP} The export's data carries those labels.
Settings (as \`train\`):`;

const Flags = z
  .object({
    model: modelFlag,
    data: z.string().optional(),
    out: z.string({ error: "--out DIR is required (where the training project is written)" }),
    "base-model": z.string().optional(),
    revision: z.string().default("main"),
    "base-model-only": z.boolean().default(false),
    backend: backendFlag,
    json: z.boolean().default(false),
  })
  .passthrough()
  .refine((f) => f.steps === undefined || f.epochs === undefined, "give --steps or --epochs, not both")
  .refine((f) => f["base-model-only"] || f.data !== undefined, "--data FILE is required (the examples to export)")
  .refine(
    (f) => !f["base-model-only"] || f.model === DEFAULT_MODEL_FLAG,
    "--base-model-only needs --model default (other models have their own files)",
  );
type Flags = z.infer<typeof Flags>;

export const run = engineCommand(
  { help: `${USAGE}\n${settingsHelp(DEFAULT_STATE.training)}`, flags: Flags, options: { ...TRAINER_FLAG_OPTIONS, ...SETTINGS_OPTIONS } },
  async (f) => {
    // The bundled model's files are copied as they are; a folder's config.json is read by the engine
    // (on the cpu backend: the export trains nothing).
    const files =
      f.model === DEFAULT_MODEL_FLAG ? await defaultExport(f) : await folderExport(await engineWithBackend(f.backend ?? "cpu"), f);
    for (const file of files) await writeOutput(f.out, { path: file.path, chunks: () => fileChunks(file) });
    const written = files.map((file) => file.path);
    process.stdout.write(
      f.json
        ? `${JSON.stringify({ out: path.resolve(f.out), files: written })}\n`
        : `wrote ${written.length} files to ${f.out}; see ${path.join(f.out, "README.md")}\n`,
    );
    return 0;
  },
);

async function defaultExport(f: Flags): Promise<ExportFile[]> {
  const base = loadTokenizerDir("default");
  const settings = settingsFromFlags(f, DEFAULT_STATE.training);
  // The bundled model's folder as it ships in public/ (config, weights, tokenizer), copied whole.
  const weights = BUNDLED_MODEL_FILES.map((name) => ({
    path: `${BUNDLED_MODEL_DIR}/${name}`,
    bytes: new Uint8Array(readFileSync(path.join(BUNDLED_MODEL_FOLDER, name))),
  }));
  if (f["base-model-only"]) return weights;
  const preset = trainerChoiceFromFlags("export", f);
  const { chats, data, view } = await defaultTrainingData(f.data!, base, settings, preset);
  const tokenizer = view.prepared.tokenizer;
  const input: ExportInput = {
    // Under --trainer the tool labelled the data, not a strategy.
    strategy: preset ? null : view.prepared.strategy,
    ...(preset ? { trainer: describeChoice(preset) } : {}),
    formatting: view.prepared.formatting,
    settings,
    chats,
    examples: data.examples,
    truncated: data.truncated,
    model: { kind: "bundled" },
    tokenizerName: tokenizer.name,
    addedTokens: view.prepared.addedTokens,
    padTokenId: tokenizer.padId,
    modelVocabSize: base.vocabSize,
    run: null,
    writer: "cli",
  };
  return [...exportFiles(input), ...weights];
}

/** A model folder with pre-tokenized data, as `train --model DIR`: HF's and PEFT's defaults unless flags say otherwise. */
async function folderExport(engine: Engine, f: Flags): Promise<ExportFile[]> {
  refuseTrainerForFolder("export", f);
  const configFile = path.join(f.model, "config.json");
  let config;
  try {
    config = engine.parseModelConfig(readFileSync(configFile, "utf8"));
  } catch (e) {
    throw new CliError(`${configFile}: ${(e as Error).message.split("\n")[0]}; --model must be a model folder with config.json`);
  }
  const examples = readTrainingData(f.data!, config.vocabSize);
  const base = f["base-model"];
  const model: ExportModel = base ? { kind: "hub", id: base, revision: f.revision } : { kind: "folder", name: path.resolve(f.model) };
  return exportFiles({
    strategy: null,
    formatting: null,
    settings: settingsFromFlags(f, withHfDefaults(NOTEBOOK_TRAINING)),
    chats: null,
    examples,
    truncated: [],
    model,
    tokenizerName: base ?? path.basename(path.resolve(f.model)),
    addedTokens: {},
    padTokenId: config.padTokenId ?? null,
    modelVocabSize: config.vocabSize,
    run: null,
    writer: "cli",
  });
}
