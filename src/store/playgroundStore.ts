// The whole UI state as one typed zustand store made of slices. Everything here is plain data (it
// could go into a share URL); the tokenizer object is kept in tokenizerHolder. The state type is in
// state.ts, which the slices import instead of this module.
import { create } from "zustand";
import { createDatasetSlice } from "./datasetSlice";
import { createExamplesSlice } from "./examplesSlice";
import { createReplaySlice } from "./replaySlice";
import { createRunsSlice } from "./runsSlice";
import { createSettingsSlice } from "./settingsSlice";
import { createSharingSlice } from "./sharingSlice";
import { createTokenizerSlice } from "./tokenizerSlice";
import { createTrainerSlice } from "./trainerSlice";
import { createTrainingSlice } from "./trainingSlice";
import type { PlaygroundState } from "./state";

export const usePlayground = create<PlaygroundState>()((...a) => ({
  ...createExamplesSlice(...a),
  ...createSettingsSlice(...a),
  ...createTokenizerSlice(...a),
  ...createDatasetSlice(...a),
  ...createSharingSlice(...a),
  ...createTrainingSlice(...a),
  ...createRunsSlice(...a),
  ...createReplaySlice(...a),
  ...createTrainerSlice(...a),
}));

/** The state now, for the services (outside React). */
export const store = () => usePlayground.getState();

/** Whether the bundled model is the one chosen (a dropped folder keeps model.kind "bundled"). */
export const bundledModelChosen = (s: PlaygroundState) => s.model.kind === "bundled" && s.droppedModelName === null;
