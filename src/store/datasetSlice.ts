// A dataset file read into a preview (services/datasetReading.ts reads it in the dataset worker), then
// replacing the examples on the user's word, with an undo.
import type { StateCreator } from "zustand";
import type { DatasetSlice, PlaygroundState } from "./state";

/**
 * The example editor and the mask view render and tokenize every example on the page; beyond this
 * many they make it crawl, so a bigger dataset replaces the examples with its first ones.
 */
export const MAX_EDITOR_EXAMPLES = 1000;

export const createDatasetSlice: StateCreator<PlaygroundState, [], [], DatasetSlice> = (set, get) => ({
  dataset: { phase: "idle" },
  datasetUndo: null,
  setDataset: (dataset) => set({ dataset }),

  replaceWithDataset: () => {
    const d = get().dataset;
    if (d.phase !== "preview" || d.result.examples.length === 0) return;
    const examples = d.result.examples.slice(0, MAX_EDITOR_EXAMPLES);
    set((s) => ({
      examples,
      datasetUndo: { fileName: d.result.fileName, count: examples.length, previous: s.examples },
      dataset: { phase: "idle" },
    }));
  },

  undoDatasetReplace: () => {
    const undo = get().datasetUndo;
    if (!undo) return;
    set({ examples: undo.previous, datasetUndo: null });
  },
});
