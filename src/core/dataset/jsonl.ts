// JSON Lines: one record per line, read as a stream so files of hundreds of MB fit.
import type { TextTemplates } from "../types";
import { notUtf8Message, type ByteSource } from "./bytes";
import type { Collector } from "./collector";
import { guardedLines } from "./guardedLines";
import { ingestRecord } from "./ingest";
import { findJsonSyntaxError } from "./jsonSyntax";

export async function readJsonl(source: ByteSource, c: Collector, templates: TextTemplates, maxBytes: number, hint = ""): Promise<void> {
  let index = 0;
  for await (const ev of guardedLines(source, c, maxBytes)) {
    if (ev.kind === "line" && ev.text.trim() === "") continue;
    c.records++;
    const skip = (reason: "not-utf8" | "invalid-json", column: number, message: string) =>
      c.skip({ reason, line: ev.line, column, path: `$[${index++}]`, message });
    if (ev.kind === "not-utf8") {
      skip("not-utf8", ev.column, notUtf8Message(ev.byte, ev.byteOffset));
      continue;
    }
    const text = ev.text;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const err = findJsonSyntaxError(text) ?? { offset: 0, message: "not valid JSON" };
      skip("invalid-json", err.offset + 1, `invalid JSON: ${err.message}${hint}`);
      continue;
    }
    const lead = text.length - text.trimStart().length;
    const line = ev.line;
    ingestRecord(c, value, { index: index++, where: `line ${line}`, locate: () => ({ line, column: lead + 1 }) }, templates);
    await c.pace();
  }
}
