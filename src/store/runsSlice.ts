// Every training run, kept with what made it (settings, strategy, model, backend) and everything the
// worker reported (steps, generations, state, errors), and saved to localStorage so runs survive a
// reload until the user deletes them. The worker bridge records each message here as it arrives.
import type { StateCreator } from "zustand";
import type { TrainingSettings } from "../core/playgroundState";
import type { BackendName, RunErrorKind, RunState, StepMetrics } from "../core/protocol";
import type { StrategyName } from "../core/types";
import type { PlaygroundState } from "./playgroundStore";
import { loadRuns, scheduleSaveRuns } from "./runsPersistence";

/** The bounds that keep a run's record (and localStorage) small; see thinSteps / addGenerations. */
export const RUN_LIMITS = {
  /** Runs kept; starting another drops the oldest finished one. */
  maxRuns: 12,
  /** Step metrics kept per run; beyond it every other one is dropped (the chart keeps its shape). */
  maxSteps: 2000,
  /** Generation snapshots kept per run: the first (before training) and the latest ones. */
  maxGenerations: 40,
};

/** "starting": sent to the worker, not yet acknowledged; "interrupted": the worker died or the page closed mid-run. */
export type RunStatus = RunState | "starting" | "interrupted";

export interface RunPrompt {
  kind: "train" | "holdout";
  question: string;
  expected: string;
}

export interface RunGenerations {
  step: number;
  /** Decoded with the tokenizer the run was started with, one per prompt. */
  texts: string[];
}

export interface RunError {
  step: number;
  kind: RunErrorKind | "worker";
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
}

export interface RunsSlice {
  runs: Record<string, RunRecord>;
  /** Oldest first. */
  runOrder: string[];
  /** Runs overlaid in the loss chart (the current run is always drawn). */
  overlay: string[];
  baselineRunId: string | null;
  /** The run the training panel shows. */
  currentRunId: string | null;
  addRun: (run: RunRecord) => void;
  updateRun: (id: string, update: (run: RunRecord) => Partial<RunRecord>) => void;
  deleteRun: (id: string) => void;
  toggleOverlay: (id: string) => void;
  setBaseline: (id: string | null) => void;
  setCurrentRun: (id: string | null) => void;
}

/** Halves the metrics once they exceed the bound, always keeping the latest step. */
export function thinSteps(steps: StepMetrics[]): StepMetrics[] {
  if (steps.length <= RUN_LIMITS.maxSteps) return steps;
  const last = steps[steps.length - 1];
  const kept = steps.filter((_, i) => i % 2 === 0);
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

export const createRunsSlice: StateCreator<PlaygroundState, [], [], RunsSlice> = (set, get) => {
  const saved = loadRuns();
  const save = () => scheduleSaveRuns(() => ({ runs: get().runs, runOrder: get().runOrder, baselineRunId: get().baselineRunId }));
  return {
    runs: saved.runs,
    runOrder: saved.runOrder,
    overlay: [],
    baselineRunId: saved.baselineRunId,
    currentRunId: saved.runOrder.at(-1) ?? null,
    addRun: (run) => {
      set((s) => {
        const order = [...s.runOrder, run.id];
        const runs = { ...s.runs, [run.id]: run };
        // Over the bound: drop the oldest run that is not in progress.
        while (order.length > RUN_LIMITS.maxRuns) {
          const victim = order.find((id) => !["running", "paused", "starting"].includes(runs[id].status));
          if (!victim) break;
          order.splice(order.indexOf(victim), 1);
          delete runs[victim];
        }
        const baselineRunId = s.baselineRunId && runs[s.baselineRunId] ? s.baselineRunId : order[0];
        return { runs, runOrder: order, currentRunId: run.id, baselineRunId };
      });
      save();
    },
    updateRun: (id, update) => {
      const run = get().runs[id];
      if (!run) return;
      set((s) => ({ runs: { ...s.runs, [id]: { ...run, ...update(run) } } }));
      save();
    },
    deleteRun: (id) => {
      set((s) => {
        const runs = { ...s.runs };
        delete runs[id];
        const runOrder = s.runOrder.filter((r) => r !== id);
        return {
          runs,
          runOrder,
          overlay: s.overlay.filter((r) => r !== id),
          baselineRunId: s.baselineRunId === id ? (runOrder[0] ?? null) : s.baselineRunId,
          currentRunId: s.currentRunId === id ? (runOrder.at(-1) ?? null) : s.currentRunId,
        };
      });
      save();
    },
    toggleOverlay: (id) => set((s) => ({ overlay: s.overlay.includes(id) ? s.overlay.filter((r) => r !== id) : [...s.overlay, id] })),
    setBaseline: (id) => {
      set({ baselineRunId: id });
      save();
    },
    setCurrentRun: (id) => set({ currentRunId: id }),
  };
};
