// The notebook replay's progress: which experiment runs now, and what each one became (a run, or
// the reason it was skipped). The runs themselves live in the runs slice like any other.
import type { StateCreator } from "zustand";
import type { PlaygroundState, ReplaySlice } from "./state";

export const createReplaySlice: StateCreator<PlaygroundState, [], [], ReplaySlice> = (set) => ({
  replay: null,
  setReplay: (update) => set((s) => ({ replay: update(s.replay) })),
});
