// The whole UI state as one typed zustand store made of slices. Everything here is plain data (it
// could go into a share URL); the tokenizer object is kept in tokenizerHolder.
import { create } from "zustand";
import { createDatasetSlice, type DatasetSlice } from "./datasetSlice";
import { createExamplesSlice, type ExamplesSlice } from "./examplesSlice";
import { createReplaySlice, type ReplaySlice } from "./replaySlice";
import { createRunsSlice, type RunsSlice } from "./runsSlice";
import { createSettingsSlice, type SettingsSlice } from "./settingsSlice";
import { createSharingSlice, type SharingSlice } from "./sharingSlice";
import { createTokenizerSlice, type TokenizerSlice } from "./tokenizerSlice";
import { createTrainerSlice, type TrainerSlice } from "./trainerSlice";
import { createTrainingSettingsSlice, type TrainingSettingsSlice } from "./trainingSettingsSlice";
import { createTrainingSlice, type TrainingSlice } from "./trainingSlice";

export type PlaygroundState = ExamplesSlice &
  SettingsSlice &
  TokenizerSlice &
  TrainingSettingsSlice &
  DatasetSlice &
  SharingSlice &
  TrainingSlice &
  RunsSlice &
  ReplaySlice &
  TrainerSlice;

export const usePlayground = create<PlaygroundState>()((...a) => ({
  ...createExamplesSlice(...a),
  ...createSettingsSlice(...a),
  ...createTokenizerSlice(...a),
  ...createTrainingSettingsSlice(...a),
  ...createDatasetSlice(...a),
  ...createSharingSlice(...a),
  ...createTrainingSlice(...a),
  ...createRunsSlice(...a),
  ...createReplaySlice(...a),
  ...createTrainerSlice(...a),
}));

/** Whether the bundled model is the one chosen (a dropped folder keeps model.kind "bundled"). */
export const bundledModelChosen = (s: PlaygroundState) => s.model.kind === "bundled" && s.droppedModelName === null;
