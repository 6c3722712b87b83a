// Reading a dataset file in the dataset worker (workers/dataset.worker.ts) with progress, into the
// store's preview (datasetSlice.ts); nothing replaces the examples until the user says so.
import type { WorkerReadOptions } from "../core/dataset/types";
import { errorMessage } from "../core/workerEnvelope";
import { MAX_PAGE_EXAMPLES } from "../store/datasetSlice";
import { store } from "../store/playgroundStore";
import type { DatasetLoad } from "../store/state";
import { createDatasetWorkerClient } from "./datasetWorker";
import { WorkerStoppedError } from "./pendingCalls";

/** Files that are obviously not datasets, with where they belong. */
function refusal(name: string): string | null {
  if (/^tokenizer(_config)?\.json$/i.test(name)) {
    return `${name} is a tokenizer file, not a dataset. Drop tokenizer.json and tokenizer_config.json together on the Tokenizer panel's drop zone; your examples are unchanged.`;
  }
  return null;
}

// Stopped (terminated) rather than sent "cancel": a JSON array or Parquet file is parsed in one call
// that a cancel message cannot interrupt, and terminating frees the partial result at once.
const worker = createDatasetWorkerClient();
let nextId = 1;
const show = (dataset: DatasetLoad) => store().setDataset(dataset);

/** The read still on screen is `id`'s: a cancelled or replaced read's late answer changes nothing. */
function reading(id: number) {
  const d = store().dataset;
  return d.phase === "reading" && d.id === id ? d : null;
}

async function read(id: number, file: File, options: WorkerReadOptions): Promise<void> {
  try {
    const result = await worker.read(file.name, file, options, (bytesRead, totalBytes) => {
      const d = reading(id);
      if (d) show({ ...d, bytesRead, totalBytes: totalBytes ?? d.totalBytes });
    });
    const d = reading(id);
    if (d) show({ phase: "preview", result, ms: Date.now() - d.startedAt, ignored: d.ignored });
  } catch (err) {
    const d = reading(id);
    if (!d) return;
    const message =
      err instanceof WorkerStoppedError
        ? `Reading ${d.fileName} stopped after ${d.bytesRead.toLocaleString("en-US")} bytes: ${err.reason.replace(/\.$/, "")}. Your examples are unchanged; try a smaller file or split this one.`
        : errorMessage(err);
    show({ phase: "stopped", fileName: d.fileName, tone: "error", message });
  }
}

/** Reads the first file (the rest are named in the preview as ignored). */
export function readDatasetFiles(files: readonly File[]): void {
  const file = files[0];
  if (!file) return;
  if (store().dataset.phase === "reading") worker.stop("another file was dropped"); // a new drop replaces a read in progress
  const refused = refusal(file.name);
  if (refused) return show({ phase: "stopped", fileName: file.name, tone: "error", message: refused });
  const id = nextId++;
  const formatting = store().formatting;
  // A `text` record is split into turns with the templates the playground formats with.
  // The worker keeps only what Replace can load, so the reply stays small (a 200 MB file has
  // ~200k examples; unpacking them all froze the page for ~1 s).
  const options: WorkerReadOptions = {
    templates: formatting.kind === "text" ? formatting.templates : undefined,
    maxExamples: MAX_PAGE_EXAMPLES,
  };
  const ignored = files.slice(1).map((f) => f.name);
  show({ phase: "reading", id, fileName: file.name, bytesRead: 0, totalBytes: file.size, startedAt: Date.now(), ignored });
  void read(id, file, options); // never rejects: every outcome lands in `dataset`
}

export function cancelDatasetRead(): void {
  const d = store().dataset;
  if (d.phase !== "reading") return;
  worker.stop("the read was cancelled");
  const message = `Reading ${d.fileName} was cancelled. Nothing changed; drop or pick a file to try again.`;
  show({ phase: "stopped", fileName: d.fileName, tone: "info", message });
}

export function dismissDataset(): void {
  if (store().dataset.phase === "reading") worker.stop("the read was dismissed");
  show({ phase: "idle" });
}
