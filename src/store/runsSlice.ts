// Every training run, kept with what made it (settings, strategy, model, backend) and everything the
// worker reported (steps, generations, state, errors), and saved to localStorage so runs survive a
// reload until the user deletes them. The worker bridge records each message here as it arrives.
import type { StateCreator } from "zustand";
import type { PlaygroundState } from "./playgroundStore";
import { RUN_LIMITS, type RunRecord } from "./runRecord";
import { loadRuns, scheduleSaveRuns } from "./runsPersistence";

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
