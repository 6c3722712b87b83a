// Which model trains and with what settings: the part of the playground state the training panel
// edits (and the share URL carries).
import type { StateCreator } from "zustand";
import { BUNDLED_MODEL_TRAINING } from "../core/playgroundState";
import type { PlaygroundState, TrainingSettingsSlice } from "./state";

export const createTrainingSettingsSlice: StateCreator<PlaygroundState, [], [], TrainingSettingsSlice> = (set) => ({
  model: { kind: "bundled" },
  // The playground opens on the bundled model, which needs its own settings (see BUNDLED_MODEL_TRAINING).
  training: structuredClone(BUNDLED_MODEL_TRAINING),
  setModel: (model) => set({ model }),
  setTraining: (patch) => set((s) => ({ training: { ...s.training, ...patch } })),
  setLora: (patch) => set((s) => ({ training: { ...s.training, lora: { ...s.training.lora, ...patch } } })),
});
