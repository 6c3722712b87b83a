// "Replay the notebook": its experiments one after another on the current model and settings, each
// a normal run (so it shows in the chart and the runs table), an experiment that would train nothing
// skipped with the reason instead of spending the time, and afterwards the measurements the
// comparison and the notebook's conclusions are made of.
import { EXPERIMENTS, experimentSetup, type ExperimentId, type ReplayBase } from "../core/notebook/experiments";
import type { ExperimentResult } from "../core/notebook/conclusions";
import { prepareMasking } from "../core/masking/prepare";
import { answerMatches, exampleCutLength } from "../core/trainingData";
import { IGNORE_INDEX } from "../core/types";
import { computeMaskView } from "../store/maskViewMemo";
import { startFailed } from "../store/actions";
import { store, usePlayground } from "../store/playgroundStore";
import type { ReplayStep } from "../store/state";
import { inProgress, runWallMs, type RunRecord } from "../store/runRecord";
import { currentTokenizer } from "../store/tokenizerHolder";
import { startRun, stopRun, trainingDataFor } from "./trainingActions";
import * as bridge from "./workerBridge";

let cancelled = false;

function updateStep(id: ExperimentId, patch: Partial<ReplayStep>): void {
  store().setReplay((r) => r && { ...r, steps: r.steps.map((s) => (s.id === id ? { ...s, ...patch } : s)) });
}

/** Resolves when the run has ended, however it ended. */
function runEnded(runId: string): Promise<RunRecord | undefined> {
  return new Promise((resolve) => {
    const check = () => {
      const run = store().runs[runId];
      if (run && inProgress(run)) return;
      unsubscribe();
      resolve(run);
    };
    const unsubscribe = usePlayground.subscribe(check);
    check();
  });
}

/** Why an experiment would train nothing: its masks' own warning (e.g. the template not found). */
function nothingTrainedReason(base: ReplayBase, id: ExperimentId): string {
  const tokenizer = currentTokenizer();
  const setup = experimentSetup(id, base);
  const mv = tokenizer && computeMaskView(tokenizer, setup.examples, setup.formatting, setup.masking);
  const warning = mv && mv.ok ? mv.view.examples.flatMap((e) => e.warnings).find((w) => w.code === "template-not-found") : undefined;
  const why = warning ? warning.message : "every label is -100 under this masking";
  return `Skipped: nothing would be trained. ${why}`;
}

/** Teacher-forced on the holdout prompt: the share of its next tokens the run's model guesses right. */
async function promptGuessRate(runId: string, inputIds: number[]): Promise<number | null> {
  if (inputIds.length < 2) return null;
  try {
    const predictions = await bridge.teacherForced(runId, inputIds);
    const hits = inputIds.slice(1).filter((id, i) => predictions[i] === id).length;
    return hits / (inputIds.length - 1);
  } catch {
    return null; // the comparison says "not measured" rather than failing the replay
  }
}

/** Runs every experiment in turn; returns when all ran or the replay was cancelled. */
export async function replayNotebook(): Promise<void> {
  const tokenizer = currentTokenizer();
  if (!tokenizer) {
    startFailed("The tokenizer is still loading; replay the notebook in a moment.");
    return;
  }
  const s = store();
  // The notebook inserts both markers in every run: no start marker (the bundled model's default)
  // means the tokenizer's BOS here, as the markers strategy needs one.
  const masking = s.masking.markerStart === "" ? { ...s.masking, markerStart: null } : s.masking;
  const markers = prepareMasking(tokenizer, s.formatting, { ...masking, strategy: "markers", insertMarkers: true }).insert;
  const base: ReplayBase = {
    examples: s.examples,
    formatting: s.formatting,
    masking,
    markers: markers ?? { start: "", end: "" },
  };
  const settings = structuredClone(s.training);
  cancelled = false;
  s.setReplay(() => ({
    status: "running",
    current: 0,
    steps: EXPERIMENTS.map((e) => ({
      id: e.id,
      runId: null,
      skipped: null,
      error: null,
      trainedTokens: 0,
      eosTrained: false,
      promptGuessRate: null,
    })),
  }));
  for (const [index, experiment] of EXPERIMENTS.entries()) {
    if (cancelled) break;
    store().setReplay((r) => r && { ...r, current: index });
    if (!markers && experiment.id === "completion-markers") {
      updateStep(experiment.id, {
        skipped: "Skipped: the tokenizer has no start and end markers to use as templates; set them under Options.",
      });
      continue;
    }
    const setup = { ...experimentSetup(experiment.id, base), label: `notebook: ${experiment.title}` };
    const got = trainingDataFor(setup, exampleCutLength(settings));
    if ("error" in got) {
      const nothing = "nothingTrained" in got;
      updateStep(experiment.id, nothing ? { skipped: nothingTrainedReason(base, experiment.id) } : { error: got.error ?? "cannot train" });
      continue;
    }
    const labels = got.data.examples.flatMap((e) => e.labels).filter((l) => l !== IGNORE_INDEX);
    updateStep(experiment.id, { trainedTokens: labels.length, eosTrained: labels.some((l) => got.data.stopIds.includes(l)) });
    const runId = await startRun(settings, undefined, setup);
    if (!runId) {
      updateStep(experiment.id, { error: store().startError ?? "The run did not start." });
      continue;
    }
    updateStep(experiment.id, { runId });
    const run = await runEnded(runId);
    const holdout = got.data.prompts.find((p) => p.kind === "holdout");
    if (run?.status === "finished" && holdout)
      updateStep(experiment.id, { promptGuessRate: await promptGuessRate(runId, holdout.inputIds) });
  }
  store().setReplay((r) => r && { ...r, status: cancelled ? "cancelled" : "done" });
}

/** Stops the experiment in progress and the ones after it; finished runs stay. */
export function cancelReplay(): void {
  cancelled = true;
  const r = store().replay;
  const runId = r?.steps[r.current]?.runId;
  if (runId && store().runs[runId]?.status === "running") stopRun(runId);
  store().setReplay((p) => p && { ...p, status: "cancelled" });
}

/** The measurements of each experiment, from its run record (or its skip reason). */
export function replayResults(steps: readonly ReplayStep[], runs: Record<string, RunRecord>): ExperimentResult[] {
  return steps.flatMap((step): ExperimentResult[] => {
    const run = step.runId ? runs[step.runId] : undefined;
    if (!run && step.skipped === null) return [];
    const last = run?.generations.at(-1);
    const answers = (run?.prompts ?? []).map((p, i) => {
      const text = last?.texts[i] ?? "";
      return { ...p, text, ended: last?.ended?.[i] ?? false, matches: last !== undefined && answerMatches(text, p.expected) };
    });
    const trainIndexes = (run?.prompts ?? []).flatMap((p, i) => (p.kind === "train" ? [i] : []));
    const allRight = run?.generations.find((g) => trainIndexes.every((i) => answerMatches(g.texts[i] ?? "", run.prompts[i].expected)));
    return [
      {
        id: step.id,
        skipped: step.skipped,
        wallMs: run ? runWallMs(run) : 0,
        steps: run?.steps.at(-1)?.step ?? 0,
        firstLoss: run?.steps[0]?.loss ?? null,
        finalLoss: run?.steps.at(-1)?.loss ?? null,
        trainedTokens: step.trainedTokens,
        eosTrained: step.eosTrained,
        answers,
        firstAllMatchStep: allRight && trainIndexes.length > 0 ? allRight.step : null,
        promptGuessRate: step.promptGuessRate,
      },
    ];
  });
}
