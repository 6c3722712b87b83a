// One training run as the page keeps it: what made it (settings, strategy, model, backend), what the
// worker reported, and the bounds and helpers that keep the record small. Apart from the runs slice so
// that the slice and its persistence both read it without importing each other.
import type { TrainerLog } from "../core/export/trainerState";
import type { TrainingSettings } from "../core/playgroundState";
import { RUN_ERROR_KINDS, RUN_STATES, type BackendName, type StepMetrics } from "../core/protocol";
import type { TrainerChoice } from "../core/trainers/trainerView";
import type { StrategyName } from "../core/types";

/** The bounds that keep a run's record (and the browser's storage) small; see thinSteps / addGenerations. */
export const RUN_LIMITS = {
  /** Runs kept; starting another drops the oldest finished one. */
  maxRuns: 12,
  /** Step metrics kept per run; beyond it every other one is dropped (the chart keeps its shape). */
  maxSteps: 2000,
  /** Generation snapshots kept per run: the first (before training) and the latest ones. */
  maxGenerations: 40,
};

/** "starting": sent to the worker, not yet acknowledged; "interrupted": the worker died or the page closed mid-run. */
export const RUN_STATUSES = [...RUN_STATES, "starting", "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run the worker holds or is about to: it keeps its adapter and may still report. */
export const inProgress = (run: { status: RunStatus }) => run.status === "running" || run.status === "paused" || run.status === "starting";

/** Whether a run's adapter is saved: the run is final (finished, stopped) or may end here (paused). */
export const keepsAdapter = (run: { status: RunStatus }) => ["finished", "stopped", "paused"].includes(run.status);

/** The worker's error kinds, "worker": the worker itself died, and "checkpoint": a kept checkpoint was damaged or not saved. */
export const RUN_RECORD_ERROR_KINDS = [...RUN_ERROR_KINDS, "worker", "checkpoint"] as const;

export interface RunPrompt {
  kind: "train" | "holdout";
  question: string;
  expected: string;
}

export interface RunGenerations {
  step: number;
  /** Decoded with the tokenizer the run was started with, one per prompt. */
  texts: string[];
  /** Per prompt: the answer ended with a stop token (EOS / end marker). Absent in runs saved before. */
  ended?: boolean[];
}

export interface RunError {
  step: number;
  kind: (typeof RUN_RECORD_ERROR_KINDS)[number];
  message: string;
  nextBackend: BackendName | null;
}

export interface RunRecord {
  id: string;
  /** Date.now() at start; also the run's label ("run 3 · 14:02"). */
  createdAt: number;
  label: string;
  modelName: string;
  strategy: StrategyName;
  backend: BackendName | null;
  settings: TrainingSettings;
  prompts: RunPrompt[];
  status: RunStatus;
  totalSteps: number;
  trainableParameters: number;
  steps: StepMetrics[];
  generations: RunGenerations[];
  /** Milliseconds spent running (paused time excluded): the notebook's train_runtime. */
  wallMs: number;
  /** Date.now() when the current running stretch began, or null while not running. */
  runningSince: number | null;
  tokensTrained: number;
  errors: RunError[];
  /** The worker still holds the adapter (false after a reload or a worker restart). */
  adapterInWorker: boolean;
  /**
   * The adapter kept in this browser (IndexedDB, under the run's id): saved from the worker when the
   * run finished, stopped or paused (at `step`), or brought in with an imported run file. Absent before.
   */
  storedAdapter?: { step: number; bytes: number };
  /**
   * The newest checkpoint kept in this browser (services/runCheckpoints.ts): the step a reloaded or
   * crashed run resumes from, its size, and what it cost (the worker's ms to take it, the page's to
   * check and write it). Absent before the first one.
   */
  checkpoint?: { step: number; bytes: number; takeMs: number; writeMs: number };
  /**
   * trainingDataFingerprint of the examples as trained (core/export/data.ts): an export from this run
   * checks that the page would still train on the same ids and labels. Absent on runs from before exports.
   */
  dataFingerprint?: string;
  /**
   * The trainer preset whose ids and labels the run trained on ("As trained by"), with the options set;
   * absent when the masking strategy's were (and on runs from before presets trained).
   */
  trainer?: TrainerChoice;
  /** The loss an exported run logged on another trainer (its trainer_state.json), drawn over this run's curve. */
  trainerLog?: TrainerLog;
}

/** The eval loss at the run's last evaluation (core/evalSplit.ts); undefined for a run without an eval split. */
export function lastEvalLoss(run: Pick<RunRecord, "steps">): number | undefined {
  return run.steps.findLast((m) => m.evalLoss !== undefined)?.evalLoss;
}

/**
 * Halves the metrics once they exceed the bound, always keeping the latest step. The evaluated steps
 * (a few among many) are halved among themselves, so the eval curve keeps every other point rather
 * than losing those at odd positions.
 */
export function thinSteps(steps: StepMetrics[]): StepMetrics[] {
  if (steps.length <= RUN_LIMITS.maxSteps) return steps;
  const last = steps[steps.length - 1];
  const evaluated = new Set(steps.filter((s) => s.evalLoss !== undefined).filter((_, k) => k % 2 === 0));
  const kept = steps.filter((s, i) => i % 2 === 0 || evaluated.has(s));
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

/** Appends a snapshot (replacing one of the same step), keeping the first and the latest ones. */
export function addGenerations(list: RunGenerations[], g: RunGenerations): RunGenerations[] {
  const next = [...list.filter((x) => x.step !== g.step), g].sort((a, b) => a.step - b.step);
  return next.length > RUN_LIMITS.maxGenerations ? [next[0], ...next.slice(next.length - RUN_LIMITS.maxGenerations + 1)] : next;
}

/** Running stretches are closed into wallMs when the run leaves "running". */
export function withStatus(run: RunRecord, status: RunStatus, now = Date.now()): Partial<RunRecord> {
  const wasRunning = run.runningSince !== null;
  const running = status === "running";
  return {
    status,
    wallMs: wasRunning && !running ? run.wallMs + (now - run.runningSince!) : run.wallMs,
    runningSince: running ? (run.runningSince ?? now) : null,
  };
}

/** Wall time including the stretch in progress. */
export function runWallMs(run: RunRecord, now = Date.now()): number {
  return run.wallMs + (run.runningSince !== null ? now - run.runningSince : 0);
}
