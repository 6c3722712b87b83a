// Every training run, kept with what made it (settings, strategy, model, backend) and everything the
// worker reported (steps, generations, state, errors). The worker bridge records each message here as
// it arrives; runsStorage.ts loads the runs from the browser's database at start and saves every change.
import type { StateCreator } from "zustand";
import type { PlaygroundState, RunsSlice } from "./state";
import { inProgress, RUN_LIMITS } from "./runRecord";

export const createRunsSlice: StateCreator<PlaygroundState, [], [], RunsSlice> = (set, get) => ({
  runs: {},
  runOrder: [],
  overlay: [],
  baselineRunId: null,
  currentRunId: null,
  runsStorage: { status: "loading", saveError: null, notices: [], skippedIds: [], recordBytes: {}, estimate: null },
  addRun: (run) => {
    set((s) => {
      const order = [...s.runOrder, run.id];
      const runs = { ...s.runs, [run.id]: run };
      // Over the bound: drop the oldest run that is not in progress.
      while (order.length > RUN_LIMITS.maxRuns) {
        const victim = order.find((id) => !inProgress(runs[id]));
        if (!victim) break;
        order.splice(order.indexOf(victim), 1);
        delete runs[victim];
      }
      const baselineRunId = s.baselineRunId && runs[s.baselineRunId] ? s.baselineRunId : order[0];
      return { runs, runOrder: order, currentRunId: run.id, baselineRunId };
    });
  },
  updateRun: (id, update) => {
    const run = get().runs[id];
    if (!run) return;
    set((s) => ({ runs: { ...s.runs, [id]: { ...run, ...update(run) } } }));
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
  },
  importRuns: (list) => {
    const s = get();
    const room = Math.max(0, RUN_LIMITS.maxRuns - s.runOrder.length);
    const added = list.filter((r) => !s.runs[r.id]).slice(0, room);
    if (added.length === 0) return [];
    const current = s.currentRunId ? s.runs[s.currentRunId] : undefined;
    const busy = current && inProgress(current);
    set({
      runs: { ...s.runs, ...Object.fromEntries(added.map((r) => [r.id, r])) },
      runOrder: [...s.runOrder, ...added.map((r) => r.id)],
      baselineRunId: s.baselineRunId ?? added[0].id,
      // Shown above (curve, answers) unless a run in progress is.
      currentRunId: busy ? s.currentRunId : added[added.length - 1].id,
    });
    return added;
  },
  toggleOverlay: (id) => set((s) => ({ overlay: s.overlay.includes(id) ? s.overlay.filter((r) => r !== id) : [...s.overlay, id] })),
  setBaseline: (id) => set({ baselineRunId: id }),
  setCurrentRun: (id) => set({ currentRunId: id }),
});
