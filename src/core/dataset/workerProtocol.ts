// The dataset worker's protocol: the page posts a File, the worker streams it through readDataset
// and posts progress, then the result (plain data, structured-clonable). The worker entry is a few
// lines that hand messages to handleDatasetRequest; tested here in Node with a Blob.
import { readDataset } from "./read";
import type { DatasetResult, ReadOptions } from "./types";

/** Options that can cross postMessage (no callbacks). */
export type WorkerReadOptions = Pick<ReadOptions, "templates" | "limits" | "maxErrors" | "maxExamples">;

export type DatasetWorkerRequest = { type: "read"; id: number; name: string; file: Blob; options: WorkerReadOptions } | { type: "cancel"; id: number };

export type DatasetWorkerReply =
  | { type: "progress"; id: number; bytesRead: number; totalBytes: number | null }
  | { type: "done"; id: number; result: DatasetResult };

const running = new Map<number, AbortController>();

/** Progress is posted at most this often, so a fast read does not flood the page. */
const PROGRESS_EVERY_MS = 100;

export async function handleDatasetRequest(msg: DatasetWorkerRequest, post: (reply: DatasetWorkerReply) => void): Promise<void> {
  switch (msg.type) {
    case "cancel":
      running.get(msg.id)?.abort();
      return;
    case "read": {
      const controller = new AbortController();
      running.set(msg.id, controller);
      let last = 0;
      try {
        const result = await readDataset(
          { name: msg.name, size: msg.file.size, bytes: msg.file.stream() },
          {
            ...msg.options,
            signal: controller.signal,
            // A worker has no page to keep responsive, but a macrotask now and then lets "cancel" in.
            sliceMs: 200,
            onProgress: (bytesRead, totalBytes) => {
              const now = Date.now();
              if (now - last < PROGRESS_EVERY_MS && bytesRead !== totalBytes) return;
              last = now;
              post({ type: "progress", id: msg.id, bytesRead, totalBytes });
            },
          },
        );
        post({ type: "done", id: msg.id, result });
      } finally {
        running.delete(msg.id);
      }
      return;
    }
    default: {
      const _exhaustive: never = msg;
      return _exhaustive;
    }
  }
}
