// The runs table's export and bring-back: a run as a training project (.zip) for transformers + PEFT,
// TRL and axolotl (core/export), and a trainer_state.json from such a training drawn over the run.
import { BUNDLED_MODEL_FILES, bundledFile } from "../core/bundledModel";
import { BUNDLED_MODEL_DIR, exportFiles, type ExportFile, type ExportInput } from "../core/export/index";
import { trainingDataFingerprint } from "../core/export/data";
import { parseTrainerState } from "../core/export/trainerState";
import { zipExport } from "../core/export/zip";
import { describeChoice } from "../core/trainers/trainerView";
import { environment } from "./environment";
import { bundledModelChosen, store } from "../store/playgroundStore";
import type { RunRecord } from "../store/runRecord";
import { currentTokenizer } from "../store/tokenizerHolder";
import { exampleCutLength } from "../core/trainingData";
import { trainingDataFor } from "./trainingActions";

/** "run 3 · notebook: markers" → "playground-run-3-notebook-markers" (a folder and file name). */
export function exportFolderName(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `playground-${slug || "run"}`;
}

/** What the export is made of, or why this run cannot be exported as it was trained. */
export function runExportInput(run: RunRecord): ExportInput {
  const s = store();
  const loaded = s.loadedModel?.info.name;
  if (loaded !== undefined && loaded !== run.modelName)
    throw new Error(
      `${run.label} trained ${run.modelName}, but the page now has ${loaded} loaded; load ${run.modelName} again, then export.`,
    );
  // The run's own preset, if it trained under one: the export carries the labels it trained on.
  const setup = { examples: s.examples, formatting: s.formatting, masking: s.masking, trainer: run.trainer ?? null };
  const got = trainingDataFor(setup, exampleCutLength(run.settings));
  if ("error" in got) throw new Error(`Cannot export ${run.label}: ${got.error}`);
  const { data, view } = got;
  if (run.dataFingerprint !== undefined && run.dataFingerprint !== trainingDataFingerprint(data.examples))
    throw new Error(
      `The examples, formatting or masking changed since ${run.label} trained, so its labels are not the page's any more; undo the change, or train a new run and export that one.`,
    );
  const base = currentTokenizer();
  const steps = run.steps.filter((m) => Number.isFinite(m.loss));
  return {
    // Under a preset no strategy labelled the data: the tool did, and the data carries its labels.
    strategy: run.trainer ? null : view.prepared.strategy,
    ...(run.trainer ? { trainer: describeChoice(run.trainer) } : {}),
    formatting: view.prepared.formatting,
    settings: run.settings,
    chats: s.examples,
    examples: data.examples,
    truncated: data.truncated,
    // A dropped folder keeps model.kind "bundled"; the hub and bundled sources are the export's own.
    model: s.droppedModelName !== null ? { kind: "folder", name: s.droppedModelName } : s.model,
    tokenizerName: view.prepared.tokenizer.name,
    addedTokens: view.prepared.addedTokens,
    padTokenId: view.prepared.tokenizer.padId,
    // The model's rows before the run added any (the bundled model is built at the base tokenizer's size).
    modelVocabSize: bundledModelChosen(s) ? (base?.vocabSize ?? data.vocabSize) : (s.loadedModel?.info.vocabSize ?? data.vocabSize),
    run: {
      label: run.label,
      steps: run.steps.at(-1)?.step ?? 0,
      finalLoss: steps.at(-1)?.loss ?? null,
      losses: steps.map((m) => [m.step, m.loss]),
    },
    writer: "page",
  };
}

/** Downloads the run as `playground-run-N.zip`; rejects with a message that says what to do. */
export async function exportRun(runId: string): Promise<void> {
  const run = store().runs[runId];
  if (!run) throw new Error("This run was deleted; export another one.");
  const folder = exportFolderName(run.label);
  const input = runExportInput(run);
  const base = input.model.kind === "bundled" ? await bundledModelFiles() : [];
  const parts = await zipExport(folder, [...exportFiles(input), ...base]);
  environment().downloads.save(`${folder}.zip`, new Blob(parts as BlobPart[], { type: "application/zip" }), "application/zip");
}

/** The bundled model's folder, as the app serves it, for the zip's base-model/ (a few MB). */
async function bundledModelFiles(): Promise<ExportFile[]> {
  const { appFiles } = environment();
  return Promise.all(
    BUNDLED_MODEL_FILES.map(async (name) => {
      const res = await appFiles.fetch(appFiles.url(bundledFile(name)));
      if (!res.ok) throw new Error(`Could not read the bundled model's ${name} (HTTP ${res.status}); reload the page and export again.`);
      return { path: `${BUNDLED_MODEL_DIR}/${name}`, bytes: new Uint8Array(await res.arrayBuffer()) };
    }),
  );
}

/** Reads a trainer_state.json and draws its logged loss over the run's curve. */
export async function importTrainerState(runId: string, file: File): Promise<void> {
  const parsed = parseTrainerState(await file.text(), file.name);
  if (!parsed.ok) throw new Error(parsed.message);
  store().updateRun(runId, () => ({ trainerLog: parsed.log }));
}

export function clearTrainerLog(runId: string): void {
  store().updateRun(runId, () => ({ trainerLog: undefined }));
}
