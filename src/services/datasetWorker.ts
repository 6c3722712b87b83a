// The page's side of the dataset worker (workers/dataset.worker.ts): each read is posted in the
// envelope (`{ id, request }`) and answered through one promise; its progress arrives as events
// for its id. A worker that crashes, sends what the page cannot read, or is stopped rejects the
// read in progress, so the page never waits for an answer that cannot come.
import type { TokenizedBatch } from "../core/dataset/tokenizedBatch";
import type { DatasetResult, WorkerReadOptions } from "../core/dataset/types";
import type { ChatExample } from "../core/types";
import { parseFromDatasetWorker, type DatasetRequest, type DatasetWorkerResult } from "../core/dataset/workerProtocol";
import { PendingCalls } from "./pendingCalls";

export type OnProgress = (bytesRead: number, totalBytes: number | null) => void;

export interface DatasetWorkerClient {
  /**
   * Reads `file` in the worker (started on first use). Resolves with the result; rejects with the
   * worker's message, or with a WorkerStoppedError (its `reason` says why) when the worker stops.
   */
  read(name: string, file: Blob, options: WorkerReadOptions, onProgress: OnProgress): Promise<DatasetResult>;
  /** Tokenizes and masks a batch of examples as the mask view does (services/datasetTokens.ts). */
  tokenize(request: Extract<DatasetRequest, { type: "tokenize" }>): Promise<TokenizedBatch>;
  /** Ends the worker; a later read starts a fresh one. Reads in progress reject with `reason`. */
  stop(reason: string): void;
}

export function createDatasetWorkerClient(): DatasetWorkerClient {
  let worker: Worker | null = null;
  const calls = new PendingCalls<DatasetWorkerResult>();
  const progress = new Map<number, OnProgress>();
  /** A read's examples as they arrive, ahead of its reply. */
  const examples = new Map<number, ChatExample[]>();

  const stop = (reason: string) => {
    worker?.terminate();
    worker = null;
    progress.clear();
    examples.clear();
    calls.failAll(reason, (what) => `The dataset worker stopped before finishing ${what}: ${reason}.`);
  };

  const receive = (data: unknown) => {
    const parsed = parseFromDatasetWorker(data);
    if (!parsed.ok) {
      // An unreadable answer still settles its call; anything else unreadable gives the worker up.
      if (parsed.id === null || !calls.fail(parsed.id, parsed.message)) stop(parsed.message);
      return;
    }
    const msg = parsed.value;
    switch (msg.type) {
      case "reply":
      case "error":
        calls.settle(msg);
        return;
      case "progress":
        progress.get(msg.readId)?.(msg.bytesRead, msg.totalBytes);
        return;
      case "examples":
        examples.get(msg.readId)?.push(...msg.examples);
        return;
      case "protocol-error":
        // The worker could not read a request's id, so it cannot answer it: give up and start afresh.
        stop(msg.message);
        return;
      default: {
        const _exhaustive: never = msg;
        return _exhaustive;
      }
    }
  };

  const start = (): Worker => {
    if (worker) return worker;
    const w = (worker = new Worker(new URL("../../workers/dataset.worker.ts", import.meta.url), { type: "module", name: "dataset" }));
    w.addEventListener("message", (e: MessageEvent<unknown>) => receive(e.data));
    w.addEventListener("error", (e: ErrorEvent) => {
      e.preventDefault(); // reported to the user below, not as an uncaught error in the console
      stop(e.message || "the browser gave no reason (often: out of memory)");
    });
    w.addEventListener("messageerror", () => stop("it sent a message the page could not read"));
    return w;
  };

  const call = (request: DatasetRequest, what: string) =>
    calls.send(start(), request, what, (why) => `The page could not send ${what} to the dataset worker: ${why}. Try again.`);

  return {
    async read(name, file, options, onProgress) {
      const what = `reading ${name}`;
      const { id, answered } = call({ type: "read", name, file, options }, what);
      progress.set(id, onProgress);
      const arrived: ChatExample[] = [];
      examples.set(id, arrived);
      try {
        const result = await answered;
        if (result.type !== "read") throw new Error(`The dataset worker answered ${what} with a ${result.type} result; reload the page.`);
        return { ...result.dataset, examples: arrived };
      } finally {
        progress.delete(id);
        examples.delete(id);
      }
    },
    async tokenize(request) {
      const what = `tokenizing examples ${request.first + 1}–${request.first + request.examples.length}`;
      const result = await call(request, what).answered;
      if (result.type !== "tokenize") throw new Error(`The dataset worker answered ${what} with a ${result.type} result; reload the page.`);
      return result.batch;
    },
    stop,
  };
}
