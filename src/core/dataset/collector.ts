// Accumulates a dataset read: examples, skip counts and a bounded error list, plus the pacing that
// yields to the event loop and reports progress. One per file read.
import type { ChatExample } from "../types";
import {
  DEFAULT_MAX_ERRORS,
  DEFAULT_SLICE_MS,
  type Container,
  type DatasetError,
  type DatasetResult,
  type FileProblem,
  type ReadOptions,
  type RecordFormat,
  type RecordNote,
  type SkipReason,
} from "./types";
import { macrotask } from "../macrotask";

export class Collector {
  readonly examples: ChatExample[] = [];
  /** Usable examples seen, including those past `maxExamples`. */
  examplesTotal = 0;
  readonly errors: DatasetError[] = [];
  readonly skipped: Partial<Record<SkipReason, number>> = {};
  container: Container | null = null;
  format: RecordFormat | null = null;
  /** Where the record that fixed `format` sits, for shape-change messages. */
  formatWhere = "";
  records = 0;
  turns = 0;
  errorsOmitted = 0;
  fatal = false;
  bytesRead = 0;
  private lastYield = Date.now();

  constructor(
    readonly fileName: string,
    readonly totalBytes: number | null,
    private readonly options: ReadOptions,
  ) {}

  addExample(example: ChatExample): void {
    this.examplesTotal++;
    // Past the cap the example is counted, not kept: a page never receives 200k examples at once.
    if (this.examples.length < (this.options.maxExamples ?? Infinity)) this.examples.push(example);
    this.turns += example.turns.length;
  }

  /** A record that cannot be used: counted under its reason and listed (while the list has room). */
  skip(error: DatasetError & { reason: SkipReason }): void {
    this.skipped[error.reason] = (this.skipped[error.reason] ?? 0) + 1;
    this.note(error);
  }

  /** A record that was kept with something left out: listed, not counted as skipped. */
  keptWithNote(error: DatasetError & { reason: RecordNote }): void {
    this.note(error);
  }

  /** The file as a whole is unusable (or reading stopped early). */
  fail(reason: FileProblem | SkipReason, message: string, where: Partial<DatasetError> = {}): void {
    this.fatal = true;
    this.note({ reason, line: 1, column: 1, path: "$", message, ...where });
  }

  private note(error: DatasetError): void {
    if (this.errors.length < (this.options.maxErrors ?? DEFAULT_MAX_ERRORS)) this.errors.push(error);
    else this.errorsOmitted += 1;
  }

  progress(bytesRead: number): void {
    this.bytesRead = bytesRead;
    this.options.onProgress?.(bytesRead, this.totalBytes);
  }

  get aborted(): boolean {
    return this.options.signal?.aborted ?? false;
  }

  /** Yields when a slice of work is used up; cheap to call per record. */
  async pace(): Promise<void> {
    const now = Date.now();
    if (now - this.lastYield < (this.options.sliceMs ?? DEFAULT_SLICE_MS)) return;
    await (this.options.yieldToEventLoop ?? macrotask)();
    this.lastYield = Date.now();
  }

  result(): DatasetResult {
    return {
      fileName: this.fileName,
      container: this.container,
      format: this.format,
      examples: this.examples,
      examplesTotal: this.examplesTotal,
      turns: this.turns,
      records: this.records,
      skipped: this.skipped,
      errors: this.errors,
      errorsOmitted: this.errorsOmitted,
      fatal: this.fatal,
      bytesRead: this.bytesRead,
    };
  }
}

/** `data.jsonl:3:14 $[2].messages[1].role: …`, the one-line form the UI and CLI print. */
export function formatDatasetError(fileName: string, e: DatasetError): string {
  const where = e.line > 0 ? `${fileName}:${e.line}:${e.column}` : fileName;
  const row = e.row !== undefined ? ` (row ${e.row})` : "";
  return `${where}${row} ${e.path}: ${e.message}`;
}
