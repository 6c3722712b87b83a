// The notebook replay's progress: which experiment runs now, and what each one became (a run, or
// the reason it was skipped). The runs themselves live in the runs slice like any other.
import type { StateCreator } from "zustand";
import type { ExperimentId } from "../core/notebook/experiments";
import type { PlaygroundState } from "./playgroundStore";

export interface ReplayStep {
  id: ExperimentId;
  runId: string | null;
  /** Why it was not trained (nothing to learn, no markers), or null. */
  skipped: string | null;
  /** Why it could not start or failed, or null. */
  error: string | null;
  /** Labels the loss counts in one pass over the examples, and whether one is the end-of-answer token. */
  trainedTokens: number;
  eosTrained: boolean;
  /** Teacher-forced share of the holdout prompt's next tokens guessed right after training. */
  promptGuessRate: number | null;
}

export interface ReplayProgress {
  status: "running" | "done" | "cancelled";
  /** Index into steps of the experiment in progress. */
  current: number;
  steps: ReplayStep[];
}

export interface ReplaySlice {
  replay: ReplayProgress | null;
  setReplay: (update: (r: ReplayProgress | null) => ReplayProgress | null) => void;
}

export const createReplaySlice: StateCreator<PlaygroundState, [], [], ReplaySlice> = (set) => ({
  replay: null,
  setReplay: (update) => set((s) => ({ replay: update(s.replay) })),
});
