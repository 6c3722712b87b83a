// A JSON array of records ([{...}, {...}]): parsed whole, so it has a lower size limit than JSON
// Lines. Record positions are only worked out when a record has a problem to point at.
import type { TextTemplates } from "../types";
import { decodeUtf8Whole, formatBytes, notUtf8Message, readAll, type ByteSource } from "./bytes";
import type { Collector } from "./collector";
import { ingestRecord } from "./ingest";
import { findJsonSyntaxError, LineIndex } from "./jsonSyntax";

export function tooLargeWholeMessage(kind: string, limit: number, size: number): string {
  return `the file (${formatBytes(size)}) is larger than the ${formatBytes(limit)} limit for ${kind}, which must be read whole; convert it to JSON Lines (one record per line), which is streamed`;
}

/** Decodes a whole file strictly; a bad byte becomes a located, fatal problem. */
export function decodeWhole(bytes: Uint8Array, c: Collector): string | null {
  const decoded = decodeUtf8Whole(bytes);
  if ("text" in decoded) return decoded.text;
  const { line, column, byteOffset, byte } = decoded.notUtf8;
  c.fail("not-utf8", notUtf8Message(byte, byteOffset), { line, column });
  return null;
}

export async function readJsonArray(source: ByteSource, c: Collector, templates: TextTemplates, maxBytes: number): Promise<void> {
  const bytes = await readAll(source, maxBytes, (n) => c.progress(n));
  if (!(bytes instanceof Uint8Array)) {
    c.fail("too-large", tooLargeWholeMessage("a JSON array", maxBytes, bytes.tooLarge));
    return;
  }
  const text = decodeWhole(bytes, c);
  if (text === null) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const err = findJsonSyntaxError(text) ?? { offset: 0, message: "not valid JSON" };
    c.fail("not-json", `invalid JSON: ${err.message}`, new LineIndex(text).position(err.offset));
    return;
  }
  if (!Array.isArray(value)) {
    c.fail("not-json", "the file is one JSON value, not a list of records; expected a JSON array [{...}, ...] or JSON Lines");
    return;
  }
  if (value.length === 0) {
    c.fail("empty-file", 'the JSON array is empty; expected records such as [{"messages": [...]}]');
    return;
  }
  let located: { starts: number[]; lines: LineIndex } | null = null;
  const place = (i: number) => {
    if (located === null) {
      located = { starts: [], lines: new LineIndex(text) };
      findJsonSyntaxError(text, 0, text.length, (o) => located?.starts.push(o));
    }
    return located.lines.position(located.starts[i] ?? 0);
  };
  for (let i = 0; i < value.length; i++) {
    if (c.aborted) {
      c.fail("unreadable", `reading was cancelled at record ${i + 1}`);
      return;
    }
    c.records++;
    ingestRecord(c, value[i], { index: i, where: `record ${i + 1}`, locate: () => place(i) }, templates);
    await c.pace();
  }
}
