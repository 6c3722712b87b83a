// What the training panel's buttons do: start a run from the current examples and settings, pause,
// resume, stop, retry on the next backend, delete a run, download its adapter, and ask for the
// teacher-forced view of an example.
import type { BackendName, ToWorkerSent } from "../core/protocol";
import type { TrainingSettings } from "../core/playgroundState";
import { IGNORE_INDEX, type ChatExample, type Formatting, type MaskingOptions } from "../core/types";
import { trainingDataFingerprint } from "../core/export/data";
import { flatCount, flattenExamples } from "../core/flatExamples";
import { macrotask } from "../core/macrotask";
import { buildTrainingData, exampleCutLength } from "../core/trainingData";
import { environment } from "./environment";
import { computeMaskView } from "../store/maskViewMemo";
import { trainerChoice } from "../store/trainerSlice";
import type { TrainerChoice } from "../core/trainers/trainerView";
import { presetTraining } from "./presetTraining";
import { tokenizedInWorker, tokenizedList, tokenizeExamples } from "./datasetTokens";
import { ensureCurrentModel } from "./modelLoading";
import { startFailed, teacherForcedChanged } from "../store/actions";
import { store } from "../store/playgroundStore";
import { adapterFiles } from "./runsStorage";
import { newestCheckpoint } from "./runCheckpoints";
import { withStatus } from "../store/runRecord";
import { currentTokenizer } from "../store/tokenizerHolder";
import * as bridge from "./workerBridge";

/** What a run trains on: the playground's examples, formatting and masking, or a replay's own. */
export interface RunSetup {
  examples: ChatExample[];
  formatting: Formatting;
  masking: MaskingOptions;
  /** Added to the run's label, e.g. "notebook: markers". */
  label?: string;
  /** "As trained by": the preset whose ids and labels are trained instead of the strategy's. */
  trainer?: TrainerChoice | null;
}

const currentSetup = (): RunSetup => ({
  examples: store().examples,
  formatting: store().formatting,
  masking: store().masking,
  trainer: trainerChoice(store().trainer, store().trainer.name),
});

/** Training data and the mask view's tokenizer for `setup`, or why nothing can be trained. */
export function trainingDataFor(setup: RunSetup, maxSeqLength: number) {
  const s = store();
  const tokenizer = currentTokenizer();
  if (!tokenizer) return { error: "The tokenizer is still loading; start again in a moment." } as const;
  // A long list was tokenized by the dataset worker; the page prepares only the settings (no examples).
  const long = tokenizedInWorker(setup.examples);
  const mv = computeMaskView(tokenizer, long ? [] : setup.examples, setup.formatting, setup.masking);
  if (!mv.ok) return { error: `The masking settings do not work with this tokenizer: ${mv.error}` } as const;
  const preset = setup.trainer ? presetTraining(tokenizer, setup, setup.trainer, long) : null;
  if (preset && "error" in preset) return { error: preset.error } as const;
  const tokens = preset ? flattenExamples(preset.rows) : long ? tokenizedList(setup.examples)?.tokens : flattenExamples(mv.view.examples);
  if (!tokens)
    return {
      error: `The ${setup.examples.length.toLocaleString("en-US")} examples are still being tokenized (the progress is above the list); start again when it is done.`,
    } as const;
  const data = buildTrainingData(preset ? preset.prompting : mv.view.prepared, tokens, setup.examples, s.holdout, maxSeqLength);
  if (flatCount(tokens) === 0) return { error: "There are no examples to train on; add one above." } as const;
  if (!data.flat.labels.some((l) => l !== IGNORE_INDEX)) {
    return {
      error: preset
        ? `Every label is masked as ${preset.label} trains these examples: nothing would be trained. Change its options (the warnings under each example say which), or pick another tool.`
        : "Every label is masked under this strategy: nothing would be trained. Pick another strategy or check the templates.",
      nothingTrained: true,
    } as const;
  }
  return { data, tokenizer: mv.view.prepared.tokenizer, view: preset ? preset.view : mv.view } as const;
}

/** Hands a run's data to the worker; resolves once it started (or restored) the run, rejects with why (recorded on the run too). */
function startInWorker(
  runId: string,
  { data, tokenizer }: Extract<ReturnType<typeof trainingDataFor>, { data: unknown }>,
  settings: TrainingSettings,
  resume: Pick<Extract<ToWorkerSent, { type: "start" }>, "resumeFrom"> = {},
): Promise<void> {
  const prompts = data.prompts.map((p) => ({ kind: p.kind, inputIds: p.inputIds }));
  const { flat: examples, stopIds, newTokenIds } = data;
  return bridge.postStart({ type: "start", runId, examples, prompts, settings, stopIds, newTokenIds, ...resume }, tokenizer);
}

let runCounter = 0;

/**
 * Starts a run; `backend` restarts the worker with that backend first (a retry after a failure);
 * `setup` trains other examples or masking than the playground's (the notebook replay).
 */
export async function startRun(
  settings: TrainingSettings = store().training,
  backend?: BackendName,
  setup: RunSetup = currentSetup(),
): Promise<string | null> {
  startFailed(null);
  // A long list the dataset worker has not finished: wait for it (its progress shows above the list).
  if (tokenizedInWorker(setup.examples) && !tokenizedList(setup.examples)) await tokenizeExamples(setup.examples);
  const got = trainingDataFor(setup, exampleCutLength(settings));
  if ("error" in got) {
    startFailed(got.error ?? "");
    return null;
  }
  const { data } = got;
  let modelKey: string;
  try {
    // Tokens a strategy adds at runtime get rows in the worker (resize_token_embeddings).
    modelKey = await ensureCurrentModel(backend);
  } catch (err) {
    startFailed((err as Error).message);
    return null;
  }
  // The data above and its fingerprint below each take tens of milliseconds for a 52,000-example
  // list: in two tasks, so the page paints between them.
  await macrotask();
  const dataFingerprint = trainingDataFingerprint(data.flat);
  const s = store();
  const runId = crypto.randomUUID();
  const now = Date.now();
  const numbers = Object.values(s.runs).map((r) => Number(/^run (\d+)/.exec(r.label)?.[1] ?? 0));
  runCounter = Math.max(runCounter, ...numbers) + 1;
  s.addRun({
    id: runId,
    createdAt: now,
    label: setup.label ? `run ${runCounter} · ${setup.label}` : `run ${runCounter}`,
    modelName: s.loadedModel?.info.name ?? modelKey,
    strategy: setup.masking.strategy,
    backend: s.engine.backend,
    settings: structuredClone(settings),
    prompts: data.prompts.map((p) => ({ kind: p.kind, question: p.question, expected: p.expected })),
    status: "starting",
    totalSteps: 0,
    trainableParameters: 0,
    steps: [],
    generations: [],
    wallMs: 0,
    runningSince: null,
    tokensTrained: 0,
    errors: [],
    adapterInWorker: false,
    dataFingerprint,
    ...(setup.trainer ? { trainer: setup.trainer } : {}),
  });
  // A refusal is recorded on the run.
  startInWorker(runId, got, settings).catch(() => undefined);
  return runId;
}

/** The notebook's second `trainer.train()`: `epochs` more on the run's adapter and optimizer state. */
export async function continueTraining(runId: string, epochs: number): Promise<void> {
  startFailed(null);
  try {
    // After a reload the worker has no such run: its last checkpoint is restored first.
    if (!store().runs[runId]?.adapterInWorker && !(await resumeFromCheckpoint(runId, false))) return;
    await bridge.continueRun(runId, epochs);
  } catch (err) {
    startFailed(`Could not train run ${store().runs[runId]?.label ?? runId} further: ${(err as Error).message}`);
  }
}

export const pauseRun = (runId: string) => bridge.sendRunCommand("pause", runId);
export const resumeRun = (runId: string) => bridge.sendRunCommand("resume", runId);
export const stopRun = (runId: string) => bridge.sendRunCommand("stop", runId);

/** After a device loss or out-of-memory: the same settings again, on `backend` and the ones after it. */
export function retryOnBackend(runId: string, backend: BackendName): Promise<string | null> {
  const run = store().runs[runId];
  return startRun(run?.settings ?? store().training, backend);
}

export function deleteRun(runId: string): void {
  const run = store().runs[runId];
  if (run?.status === "running" || run?.status === "paused") bridge.sendRunCommand("stop", runId);
  if (run?.adapterInWorker) bridge.sendRunCommand("delete-run", runId);
  store().deleteRun(runId);
}

/** PEFT's two files: adapter_config.json and adapter_model.safetensors (kept in the browser, or from the worker). */
export async function downloadAdapter(runId: string): Promise<void> {
  const { configJson, safetensors } = await adapterFiles(runId);
  const { downloads } = environment();
  downloads.save("adapter_config.json", configJson, "application/json");
  downloads.save("adapter_model.safetensors", safetensors, "application/octet-stream");
}

/** Teacher-forced predictions for example `index` (-1: the holdout prompt) under the current run's adapter. */
export async function requestTeacherForced(index: number, inputIds: number[]): Promise<void> {
  const s = store();
  const run = s.currentRunId ? s.runs[s.currentRunId] : undefined;
  const runId = run?.adapterInWorker ? run.id : null;
  teacherForcedChanged(index, "loading");
  try {
    const got = trainingDataFor(currentSetup(), exampleCutLength(s.training));
    if ("error" in got) throw new Error(got.error);
    await ensureCurrentModel();
    const predictions = await bridge.teacherForced(runId, inputIds);
    const texts = predictions.map((id) => got.tokenizer.displayToken(id));
    teacherForcedChanged(index, { runLabel: run && runId ? run.label : "base model", inputIds, predictions, texts });
  } catch (err) {
    teacherForcedChanged(index, { error: `Teacher-forced view failed: ${(err as Error).message}` });
  }
}

/**
 * Continues a run from its newest whole checkpoint (after a reload, a crash, a closed tab or a lost
 * device: on whatever backend the worker has now), with the examples and settings it trained on, as
 * transformers' resume_from_checkpoint. `train` false restores it stopped, for "continue" to extend.
 * Damaged checkpoints on the way are recorded on the run with their step. Resolves whether it started.
 */
export async function resumeFromCheckpoint(runId: string, train = true): Promise<boolean> {
  startFailed(null);
  const run = store().runs[runId];
  if (!run) return false;
  const refuse = (why: string) => {
    startFailed(`${run.label} cannot resume: ${why}`);
    return false;
  };
  const got = trainingDataFor({ ...currentSetup(), trainer: run.trainer ?? null }, exampleCutLength(run.settings));
  if ("error" in got) return refuse(got.error ?? "");
  if (run.dataFingerprint && trainingDataFingerprint(got.data.flat) !== run.dataFingerprint)
    return refuse(
      "the examples, formatting or masking changed since it trained, and a checkpoint goes on only with the data it was trained on. Undo those changes (or load that dataset again) and resume, or start a new run.",
    );
  const { found, damaged: bad } = await newestCheckpoint(runId);
  const then = found ? `It resumes from step ${found.step}, the whole checkpoint before it.` : "No whole checkpoint is left.";
  const damaged = bad.map(({ step, message }) => ({
    step,
    kind: "checkpoint" as const,
    message: `${message} ${then}`,
    nextBackend: null,
  }));
  if (damaged.length) store().updateRun(runId, (r) => ({ errors: [...r.errors, ...damaged] }));
  if (!found) return refuse("no checkpoint of it is kept in this browser (or none is whole); start a new run.");
  try {
    const key = await ensureCurrentModel();
    const loaded = store().loadedModel?.info.name ?? key;
    if (loaded !== run.modelName)
      return refuse(`it trained ${run.modelName} and the page has ${loaded}; choose ${run.modelName}, then resume.`);
  } catch (err) {
    return refuse((err as Error).message);
  }
  store().updateRun(runId, (r) => {
    const steps = r.steps.filter((m) => m.step <= found.step);
    return {
      ...withStatus(r, "starting"),
      backend: store().engine.backend,
      steps,
      generations: r.generations.filter((g) => g.step <= found.step),
      tokensTrained: steps.reduce((n, m) => n + m.tokens, 0),
    };
  });
  try {
    await startInWorker(runId, got, run.settings, { resumeFrom: { step: found.step, files: found.files, train } });
    return true;
  } catch (err) {
    return refuse((err as Error).message);
  }
}
