// Parquet, the hub's dataset format, through hyparquet. A Parquet file's index sits at its end, so
// the file is held whole (the lower limit); rows are then read one row group at a time with a
// yield between groups. hyparquet decodes snappy (the hub's default); other codecs are reported.
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { clip } from "../clip";
import type { TextTemplates } from "../types";
import { readAll, type ByteSource } from "./bytes";
import type { Collector } from "./collector";
import { ingestRecord } from "./ingest";
import { tooLargeWholeMessage } from "./jsonArray";

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"

export function hasParquetMagic(bytes: Uint8Array, at = 0): boolean {
  return MAGIC.every((b, k) => bytes[at + k] === b);
}

/** Parquet has no lines: its problems point at no text position. */
const NO_POSITION = { line: 0, column: 0 };

const REDOWNLOAD = "the file is probably cut short or corrupted: download or export it again (or save it as JSON Lines)";

/**
 * What hyparquet said, when it is about the file ("parquet unsupported compression codec: …");
 * nothing when damaged bytes made the parser itself trip (a TypeError such as "Cannot read
 * properties of undefined"), which says nothing about the file.
 */
function parserDetail(err: unknown): string {
  if (err instanceof TypeError || err instanceof RangeError || !(err instanceof Error)) return "";
  return ` (${clip(err.message, 120)})`;
}

/** Where the footer starts: its length is the little-endian u32 before the closing "PAR1". */
function footerOffset(bytes: Uint8Array): number {
  const at = bytes.length - 8;
  const length = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
  return Math.max(0, at - length);
}

export async function readParquet(source: ByteSource, c: Collector, templates: TextTemplates, maxBytes: number): Promise<void> {
  const bytes = await readAll(source, maxBytes, (n) => c.progress(n));
  if (!(bytes instanceof Uint8Array)) {
    c.fail("too-large", tooLargeWholeMessage("Parquet", maxBytes, bytes.tooLarge), NO_POSITION);
    return;
  }
  if (bytes.length < 12 || !hasParquetMagic(bytes) || !hasParquetMagic(bytes, bytes.length - 4)) {
    c.fail(
      "not-parquet",
      `not a Parquet file (expected "PAR1" at its start and end${bytes.length < 12 ? "; the file is too short" : ""}); is the download complete?`,
      NO_POSITION,
    );
    return;
  }
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  let metadata;
  try {
    metadata = parquetMetadata(file);
  } catch (err) {
    c.fail(
      "not-parquet",
      `the Parquet footer (the schema and row index, from byte offset ${footerOffset(bytes)}) is damaged${parserDetail(err)}; ${REDOWNLOAD}`,
      NO_POSITION,
    );
    return;
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    if (c.aborted) {
      c.fail("unreadable", `reading was cancelled at row ${rowStart + 1}`, NO_POSITION);
      return;
    }
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    } catch (err) {
      const detail = parserDetail(err);
      const why = /compression codec/.test(detail)
        ? `they use a compression this reader lacks${detail}; re-save the file with snappy compression or as JSON Lines`
        : `their data is damaged${detail}; ${REDOWNLOAD}`;
      c.fail("unreadable", `rows ${rowStart + 1}-${rowEnd} cannot be read: ${why}`, { ...NO_POSITION, row: rowStart + 1 });
      return;
    }
    for (let k = 0; k < rows.length; k++) {
      const index = rowStart + k;
      c.records++;
      ingestRecord(c, rows[k], { index, row: index + 1, where: `row ${index + 1}`, locate: () => NO_POSITION }, templates);
    }
    rowStart = rowEnd;
    await c.pace();
  }
  if (c.records === 0) c.fail("empty-file", "the Parquet file has no rows", NO_POSITION);
}
