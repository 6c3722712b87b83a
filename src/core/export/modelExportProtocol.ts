// The model export worker's protocol (workers/modelExport.worker.ts): the page starts one export,
// then pulls its bytes a chunk at a time, so the worker is never ahead of the disk by more than one
// chunk (a tensor). Cancelling is terminating the worker.

import type { GgufOutType } from "./gguf/quantise";

export const MODEL_EXPORT_FORMATS = ["merged", "gguf"] as const;
export type ModelExportFormat = (typeof MODEL_EXPORT_FORMATS)[number];

export interface ModelExportJob {
  format: ModelExportFormat;
  /** For "gguf". */
  ggufType: GgufOutType;
  /** The base checkpoint as the worker that trained it was given it: config.json and the weights' Blobs. */
  base: { config: unknown; weights: Array<{ name: string; blob: Blob }> };
  adapter: { configJson: string; safetensors: ArrayBuffer };
  /** Embedding rows the run trained with (the base's, grown for the tokens it added). */
  vocabSize: number;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** README.md of the merged folder. */
  modelCard: string;
  /** general.name of a GGUF; the file name stem. */
  name: string;
  chatTemplate: string | null;
}

export type ToModelExportWorker = { type: "start"; job: ModelExportJob } | { type: "pull" };

export type FromModelExportWorker =
  /** The next bytes of output file `path`; `last` ends that file. `progress` is the share of tensors written. */
  | { type: "chunk"; path: string; bytes: Uint8Array; last: boolean; progress: number }
  | { type: "end" }
  | { type: "error"; message: string };
