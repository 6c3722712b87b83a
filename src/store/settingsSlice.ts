// How examples become text (formatting), how labels are masked (masking), and the second strategy
// that compare mode shows next to the first.
import type { StateCreator } from "zustand";
import { DEFAULT_FORMATTING } from "../core/defaults";
import { DEFAULT_STATE } from "../core/playgroundState";
import type { PlaygroundState, SettingsSlice } from "./state";

export const createSettingsSlice: StateCreator<PlaygroundState, [], [], SettingsSlice> = (set) => ({
  formatting: structuredClone(DEFAULT_FORMATTING),
  masking: structuredClone(DEFAULT_STATE.masking),
  // The notebook's own before/after: its markers versus everything trained.
  compare: { enabled: false, strategy: "full", trainer: null },
  setFormatting: (formatting) => set({ formatting }),
  setMasking: (patch) => set((s) => ({ masking: { ...s.masking, ...patch } })),
  setCompare: (patch) => set((s) => ({ compare: { ...s.compare, ...patch } })),
});
