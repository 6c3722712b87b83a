// The settings the playground carries (in its share link and autosave): how examples become text
// (formatting), how labels are masked (masking), which model trains and with what settings (the
// training panel's), and the second strategy that compare mode shows next to the first.
import type { StateCreator } from "zustand";
import { DEFAULT_FORMATTING } from "../core/defaults";
import { BUNDLED_MODEL_TRAINING, DEFAULT_STATE } from "../core/playgroundState";
import type { PlaygroundState, SettingsSlice, TrainingSettingsSlice } from "./state";

export const createSettingsSlice: StateCreator<PlaygroundState, [], [], SettingsSlice & TrainingSettingsSlice> = (set) => ({
  formatting: structuredClone(DEFAULT_FORMATTING),
  masking: structuredClone(DEFAULT_STATE.masking),
  // The notebook's own before/after: its markers versus everything trained.
  compare: { enabled: false, strategy: "full", trainer: null },
  setFormatting: (formatting) => set({ formatting }),
  setMasking: (patch) => set((s) => ({ masking: { ...s.masking, ...patch } })),
  setCompare: (patch) => set((s) => ({ compare: { ...s.compare, ...patch } })),
  model: { kind: "bundled" },
  // The playground opens on the bundled model, which needs its own settings (see BUNDLED_MODEL_TRAINING).
  training: structuredClone(BUNDLED_MODEL_TRAINING),
  setModel: (model) => set({ model }),
  setTraining: (patch) => set((s) => ({ training: { ...s.training, ...patch } })),
  setLora: (patch) => set((s) => ({ training: { ...s.training, lora: { ...s.training.lora, ...patch } } })),
});
