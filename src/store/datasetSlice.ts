// Loading a dataset file: read in the dataset worker (workers/dataset.worker.ts) with progress,
// previewed before anything changes, then replacing the examples on the user's word, with an undo.
import type { StateCreator } from "zustand";
import type { WorkerReadOptions } from "../core/dataset/workerProtocol";
import { createDatasetWorkerClient } from "./datasetWorker";
import { WorkerStoppedError } from "./pendingCalls";
import type { DatasetSlice, PlaygroundState } from "./state";

/**
 * The example editor and the mask view render and tokenize every example on the page; beyond this
 * many they make it crawl, so a bigger dataset replaces the examples with its first ones.
 */
export const MAX_EDITOR_EXAMPLES = 1000;

/** Files that are obviously not datasets, with where they belong. */
function refusal(name: string): string | null {
  if (/^tokenizer(_config)?\.json$/i.test(name)) {
    return `${name} is a tokenizer file, not a dataset. Drop tokenizer.json and tokenizer_config.json together on the Tokenizer panel's drop zone; your examples are unchanged.`;
  }
  return null;
}

export const createDatasetSlice: StateCreator<PlaygroundState, [], [], DatasetSlice> = (set, get) => {
  const worker = createDatasetWorkerClient();
  let nextId = 1;

  const currentId = () => {
    const d = get().dataset;
    return d.phase === "reading" ? d.id : null;
  };

  /** The read still on screen is `id`'s: a cancelled or replaced read's late answer changes nothing. */
  const reading = (id: number) => {
    const d = get().dataset;
    return d.phase === "reading" && d.id === id ? d : null;
  };

  // Terminate rather than post "cancel": a JSON array or Parquet file is parsed in one call that a
  // cancel message cannot interrupt, and terminating frees the partial result at once.
  const stopWorker = (reason: string) => worker.stop(reason);

  const read = async (id: number, file: File, options: WorkerReadOptions) => {
    try {
      const result = await worker.read(file.name, file, options, (bytesRead, totalBytes) => {
        const d = reading(id);
        if (d) set({ dataset: { ...d, bytesRead, totalBytes: totalBytes ?? d.totalBytes } });
      });
      const d = reading(id);
      if (d) set({ dataset: { phase: "preview", result, ms: Date.now() - d.startedAt, ignored: d.ignored } });
    } catch (err) {
      const d = reading(id);
      if (!d) return;
      const message =
        err instanceof WorkerStoppedError
          ? `Reading ${d.fileName} stopped after ${d.bytesRead.toLocaleString("en-US")} bytes: ${err.reason.replace(/\.$/, "")}. Your examples are unchanged; try a smaller file or split this one.`
          : err instanceof Error
            ? err.message
            : String(err);
      set({ dataset: { phase: "stopped", fileName: d.fileName, tone: "error", message } });
    }
  };

  return {
    dataset: { phase: "idle" },
    datasetUndo: null,

    readDatasetFiles: (files) => {
      const file = files[0];
      if (!file) return;
      if (currentId() !== null) stopWorker("another file was dropped"); // a new drop replaces a read in progress
      const refused = refusal(file.name);
      if (refused) {
        set({ dataset: { phase: "stopped", fileName: file.name, tone: "error", message: refused } });
        return;
      }
      const id = nextId++;
      const formatting = get().formatting;
      // A `text` record is split into turns with the templates the playground formats with.
      // The worker keeps only what Replace can load, so the reply stays small (a 200 MB file has
      // ~200k examples; unpacking them all froze the page for ~1 s).
      const options: WorkerReadOptions = {
        templates: formatting.kind === "text" ? formatting.templates : undefined,
        maxExamples: MAX_EDITOR_EXAMPLES,
      };
      set({
        dataset: {
          phase: "reading",
          id,
          fileName: file.name,
          bytesRead: 0,
          totalBytes: file.size,
          startedAt: Date.now(),
          ignored: files.slice(1).map((f) => f.name),
        },
      });
      void read(id, file, options); // never rejects: every outcome lands in `dataset`
    },

    cancelDatasetRead: () => {
      const d = get().dataset;
      if (d.phase !== "reading") return;
      stopWorker("the read was cancelled");
      set({
        dataset: {
          phase: "stopped",
          fileName: d.fileName,
          tone: "info",
          message: `Reading ${d.fileName} was cancelled. Nothing changed; drop or pick a file to try again.`,
        },
      });
    },

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

    dismissDataset: () => {
      if (currentId() !== null) stopWorker("the read was dismissed");
      set({ dataset: { phase: "idle" } });
    },

    undoDatasetReplace: () => {
      const undo = get().datasetUndo;
      if (!undo) return;
      set({ examples: undo.previous, datasetUndo: null });
    },
  };
};
