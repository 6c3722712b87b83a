// The entry point: a file's name and bytes → examples. Picks the container from the extension and
// the first bytes, applies the size limits, and hands the stream to the matching reader.
import { NOTEBOOK_TEMPLATES } from "../chat/textFormat";
import type { TextTemplates } from "../types";
import { concatBytes } from "../concatBytes";
import { chunksOf, formatBytes, startsWithBom, type ByteSource } from "./bytes";
import { Collector } from "./collector";
import { readCsv } from "./csv";
import { readJsonArray, tooLargeWholeMessage } from "./jsonArray";
import { readJsonl } from "./jsonl";
import { hasParquetMagic, readParquet } from "./parquet";
import { DEFAULT_LIMITS, type Container, type DatasetResult, type ReadOptions } from "./types";

export interface DatasetInput {
  /** The file's name; picks the container by extension and prefixes every message. */
  name: string;
  /** Size in bytes when known (File.size, fs.stat): an oversized file is refused before reading. */
  size?: number | null;
  bytes: ByteSource;
}

const STREAMED: ReadonlySet<Container> = new Set(["jsonl", "csv", "tsv"]);

/** The container from the extension, else from the first bytes. */
export function detectContainer(name: string, head: Uint8Array): Container {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  if (ext === "parquet" || hasParquetMagic(head)) return "parquet";
  if (ext === "tsv" || ext === "tab") return "tsv";
  if (ext === "csv") return "csv";
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  const text = new TextDecoder().decode(startsWithBom(head) ? head.subarray(3) : head).trimStart();
  if (text.startsWith("[")) return "json";
  // Hub files named .json are very often JSON Lines.
  if (ext === "json" || text.startsWith("{")) return "jsonl";
  const firstLine = text.split("\n")[0];
  return firstLine.includes("\t") && !firstLine.includes(",") ? "tsv" : "csv";
}

/** The first bytes (enough to sniff) and a stream that still yields everything. */
async function peek(source: ByteSource, want = 4096): Promise<{ head: Uint8Array; all: AsyncIterable<Uint8Array> }> {
  const it = chunksOf(source);
  const seen: Uint8Array[] = [];
  let total = 0;
  while (total < want) {
    const next = await it.next();
    if (next.done) break;
    seen.push(next.value);
    total += next.value.length;
  }
  const head = concatBytes(seen, total).subarray(0, want);
  async function* all() {
    yield* seen;
    yield* it;
  }
  return { head, all: all() };
}

/**
 * Reads a dataset file into chat examples. Never throws for bad input: every problem is in the
 * result's errors (with file position and JSON path) and counted in `skipped`. Run it in a worker
 * with a no-op `yieldToEventLoop`, or on the main thread with the default, which yields every
 * `sliceMs` so the page stays responsive.
 */
export async function readDataset(input: DatasetInput, options: ReadOptions = {}): Promise<DatasetResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const templates: TextTemplates = options.templates ?? NOTEBOOK_TEMPLATES;
  const c = new Collector(input.name, input.size ?? null, options);
  if (input.size === 0) {
    c.fail("empty-file", "the file is empty (0 bytes); expected records");
    return c.result();
  }
  const { head, all } = await peek(input.bytes);
  if (head.length === 0) {
    c.fail("empty-file", "the file is empty (0 bytes); expected records");
    return c.result();
  }
  const container = detectContainer(input.name, head);
  c.container = container;
  const limit = STREAMED.has(container) ? limits.maxStreamBytes : limits.maxWholeFileBytes;
  if (input.size != null && input.size > limit) {
    const message = STREAMED.has(container)
      ? `the file (${formatBytes(input.size)}) is larger than the ${formatBytes(limit)} limit for streamed files; split it or raise the limit`
      : tooLargeWholeMessage(container === "parquet" ? "Parquet" : "a JSON array", limit, input.size);
    c.fail("too-large", message, container === "parquet" ? { line: 0, column: 0 } : {});
    return c.result();
  }
  const jsonHint = /\.json$/i.test(input.name) ? " (a .json file must be a JSON array or one JSON object per line)" : "";
  const readers: Record<Container, () => Promise<void>> = {
    jsonl: () => readJsonl(all, c, templates, limit, jsonHint),
    json: () => readJsonArray(all, c, templates, limit),
    csv: () => readCsv(all, c, templates, limit, ","),
    tsv: () => readCsv(all, c, templates, limit, "\t"),
    parquet: () => readParquet(all, c, templates, limit),
  };
  await readers[container]();
  if (!c.fatal && c.records === 0) c.fail("empty-file", "the file has no records (only blank lines); expected one record per line");
  return c.result();
}

/** Convenience for text already in memory (tests, pasted data). */
export function readDatasetText(name: string, text: string, options: ReadOptions = {}): Promise<DatasetResult> {
  const bytes = new TextEncoder().encode(text);
  return readDataset({ name, size: bytes.length, bytes: [bytes] }, options);
}
