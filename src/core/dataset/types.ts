// What reading a dataset file produces, and the knobs it takes. Plain data only, so a result can
// cross a worker boundary by structured clone.
import { z } from "zod";
import { ChatExampleSchema } from "../chat/exampleSchema";

/** How a file stores its records. */
export const CONTAINERS = ["jsonl", "json", "csv", "tsv", "parquet"] as const;
export type Container = (typeof CONTAINERS)[number];

/** How one record stores a conversation (the field names the hub's SFT datasets use). */
export const RECORD_FORMATS = ["text", "messages", "conversations", "alpaca", "prompt-completion"] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/** Why a record (or the whole file) could not be used; the keys of `skipped`. */
export const SKIP_REASONS = [
  "invalid-json",
  "not-utf8",
  "not-an-object",
  "unknown-format",
  "shape-changed",
  "missing-field",
  "wrong-type",
  "empty-field",
  "unknown-role",
  "roles-not-alternating",
  "no-assistant-turn",
  "template-not-found",
  "csv-field-count",
  "csv-syntax",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const FILE_PROBLEMS = ["empty-file", "too-large", "unreadable", "not-json", "not-parquet", "no-header"] as const;
export type FileProblem = (typeof FILE_PROBLEMS)[number];

/** Something left out of a record that was still kept (listed with the problems, never counted as skipped). */
export const RECORD_NOTES = ["part-skipped"] as const;
export type RecordNote = (typeof RECORD_NOTES)[number];

export const count = z.number().int().min(0);

const datasetErrorSchema = z.strictObject({
  reason: z.enum([...SKIP_REASONS, ...FILE_PROBLEMS, ...RECORD_NOTES]),
  /** 1-based line in the file (0 when the container has no lines: Parquet). */
  line: count,
  /** 1-based column in UTF-16 code units, as editors count (0 when there is no text position). */
  column: count,
  /** 1-based data row for CSV/TSV and Parquet. */
  row: count.optional(),
  /** JSON path of the offending value, e.g. `$[3].messages[1].role`; `$` for the file itself. */
  path: z.string(),
  /** What is wrong and what was expected. */
  message: z.string(),
});
export type DatasetError = z.infer<typeof datasetErrorSchema>;

/** A read's result; the schema checks it where it crosses from the dataset worker. */
export const datasetResultSchema = z.strictObject({
  fileName: z.string(),
  container: z.enum(CONTAINERS).nullable(),
  /** The record format of the first usable record; null when none was recognised. */
  format: z.enum(RECORD_FORMATS).nullable(),
  /** The usable examples, at most `maxExamples` of them (the first in file order). */
  examples: z.array(ChatExampleSchema),
  /** Usable examples in the file, kept or not. */
  examplesTotal: count,
  /** Turns across all usable examples. */
  turns: count,
  /** Records seen (blank lines are not records). */
  records: count,
  /** Records that could not be used, counted by reason; never dropped silently. */
  skipped: z.partialRecord(z.enum(SKIP_REASONS), count),
  /** The first `maxErrors` problems in file order (notes on kept records included). */
  errors: z.array(datasetErrorSchema),
  /** Problems beyond `maxErrors` (counted, not listed). */
  errorsOmitted: count,
  /** The file as a whole could not be read (empty, too large, unreadable): see errors[0]. */
  fatal: z.boolean(),
  bytesRead: count,
});
export type DatasetResult = z.infer<typeof datasetResultSchema>;

/** The knobs of a read that can cross postMessage (no callbacks), checked where they reach the dataset worker. */
export const workerReadOptionsSchema = z.strictObject({
  /** Templates that split a `text` record into turns (default: the notebook's). */
  templates: z.strictObject({ instruction: z.string(), response: z.string() }).optional(),
  limits: z
    .strictObject({
      /** Largest file read line by line (JSONL, CSV, TSV). */
      maxStreamBytes: count.optional(),
      /** Largest file that must be held whole in memory (a JSON array, Parquet). */
      maxWholeFileBytes: count.optional(),
    })
    .optional(),
  /** Errors listed before the rest are only counted (default 100). */
  maxErrors: count.optional(),
  /** Keep only the first this-many usable examples (the rest are counted in examplesTotal). */
  maxExamples: count.optional(),
});
export type WorkerReadOptions = z.infer<typeof workerReadOptionsSchema>;
export type DatasetLimits = Required<NonNullable<WorkerReadOptions["limits"]>>;

export const DEFAULT_LIMITS: DatasetLimits = {
  maxStreamBytes: 1024 ** 3, // 1 GiB: streamed, only the examples are kept
  maxWholeFileBytes: 256 * 1024 ** 2, // 256 MiB: bytes + decoded text + parsed values all at once
};

export interface ReadOptions extends WorkerReadOptions {
  /** Called as bytes are consumed; totalBytes is null when the size is not known up front. */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /**
   * Hand control back to the event loop; called when `sliceMs` of work has passed. The default
   * (a macrotask) keeps a page responsive when parsing runs on the main thread; a worker may pass
   * `async () => {}` to run flat out.
   */
  yieldToEventLoop?: () => Promise<void>;
  /** Milliseconds of work between yields (default 25). */
  sliceMs?: number;
  /** Stop early: the result so far is returned with an `unreadable` error. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_ERRORS = 100;
export const DEFAULT_SLICE_MS = 25;
