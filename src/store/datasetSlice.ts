// A dataset file read into a preview (services/datasetReading.ts reads it in the dataset worker), then
// replacing the examples on the user's word, with an undo.
import type { StateCreator } from "zustand";
import { datasetEpochs } from "../core/stepPlan";
import type { DatasetSlice, PlaygroundState } from "./state";

/**
 * The most examples a dataset brings into the page: twice the original Alpaca. The list shows what is
 * on screen and the dataset worker tokenizes the rest (services/datasetTokens.ts), but every example
 * is still held in the page, and in its autosave and share link when they fit.
 */
export const MAX_PAGE_EXAMPLES = 100_000;

export const createDatasetSlice: StateCreator<PlaygroundState, [], [], DatasetSlice> = (set, get) => ({
  dataset: { phase: "idle" },
  datasetUndo: null,
  datasetTokens: { phase: "idle" },
  setDataset: (dataset) => set({ dataset }),
  setDatasetTokens: (datasetTokens) => set({ datasetTokens }),

  replaceWithDataset: () => {
    const d = get().dataset;
    if (d.phase !== "preview" || d.result.examples.length === 0) return;
    const examples = d.result.examples.slice(0, MAX_PAGE_EXAMPLES);
    set((s) => {
      // The notebook's epochs are for its five examples; a dataset gets a dataset-sized run, said in
      // the undo bar with a way back (max_steps, when set, already bounds the run).
      const sized = s.training.maxSteps > 0 ? null : datasetEpochs(examples.length);
      const epochs = sized !== null && sized < s.training.epochs ? { from: s.training.epochs, to: sized } : null;
      return {
        examples,
        training: epochs ? { ...s.training, epochs: epochs.to } : s.training,
        datasetUndo: { fileName: d.result.fileName, count: examples.length, previous: s.examples, epochs },
        dataset: { phase: "idle" },
      };
    });
  },

  undoDatasetReplace: () => {
    const undo = get().datasetUndo;
    if (!undo) return;
    set((s) => ({
      examples: undo.previous,
      training: undo.epochs ? { ...s.training, epochs: undo.epochs.from } : s.training,
      datasetUndo: null,
    }));
  },

  keepPreviousEpochs: () => {
    const undo = get().datasetUndo;
    if (!undo?.epochs) return;
    const from = undo.epochs.from;
    set((s) => ({ training: { ...s.training, epochs: from }, datasetUndo: { ...undo, epochs: null } }));
  },
});
