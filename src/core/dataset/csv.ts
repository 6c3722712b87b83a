// CSV and TSV with a header row, read line by line. A record ends at a line break outside quotes
// (RFC 4180: an even number of `"` so far), so quoted fields may span lines; papaparse splits the
// fields. Conversations may sit in a cell as JSON (`messages` = `[{"role": …}]`).
import Papa from "papaparse";
import { clip } from "../clip";
import type { TextTemplates } from "../types";
import { notUtf8Message, type ByteSource } from "./bytes";
import type { Collector } from "./collector";
import { guardedLines } from "./guardedLines";
import { ingestRecord } from "./ingest";
import type { SkipReason } from "./types";

const countQuotes = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
};

/** 1-based start column of each field on the record's first line. */
function fieldColumns(firstLine: string, delimiter: string): number[] {
  const cols = [1];
  let quoted = false;
  for (let i = 0; i < firstLine.length; i++) {
    const ch = firstLine[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) cols.push(i + 2);
  }
  return cols;
}

async function* csvRecords(
  source: ByteSource,
  c: Collector,
  maxBytes: number,
): AsyncGenerator<{ line: number; text: string; firstLine: string } | { notUtf8: string; line: number; column: number }> {
  let open: { line: number; parts: string[]; quotes: number } | null = null;
  for await (const ev of guardedLines(source, c, maxBytes)) {
    if (ev.kind === "not-utf8") {
      open = null;
      yield { notUtf8: notUtf8Message(ev.byte, ev.byteOffset), line: ev.line, column: ev.column };
      continue;
    }
    if (open === null) {
      if (ev.text.trim() === "") continue;
      open = { line: ev.line, parts: [ev.text], quotes: countQuotes(ev.text) };
    } else {
      open.parts.push(ev.text);
      open.quotes += countQuotes(ev.text);
    }
    if (open.quotes % 2 === 0) {
      yield { line: open.line, text: open.parts.join("\n"), firstLine: open.parts[0] };
      open = null;
    }
  }
  if (open) yield { line: open.line, text: open.parts.join("\n"), firstLine: open.parts[0] };
}

function splitFields(text: string, delimiter: string): { fields: string[]; error: string | null } {
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: "\n", header: false, skipEmptyLines: false });
  const error = parsed.errors[0];
  return { fields: parsed.data[0] ?? [], error: error ? `${error.message}` : null };
}

export async function readCsv(
  source: ByteSource,
  c: Collector,
  templates: TextTemplates,
  maxBytes: number,
  delimiter: "," | "\t",
): Promise<void> {
  const name = delimiter === "\t" ? "TSV" : "CSV";
  let header: string[] | null = null;
  let headerLine = 0;
  let index = 0;
  for await (const rec of csvRecords(source, c, maxBytes)) {
    if (header === null) {
      if ("notUtf8" in rec) {
        c.fail("not-utf8", rec.notUtf8, { line: rec.line, column: rec.column });
        return;
      }
      const { fields, error } = splitFields(rec.text, delimiter);
      const names = fields.map((f) => f.trim());
      header = names;
      headerLine = rec.line;
      if (error !== null || names.every((h) => h === "")) {
        c.fail(
          "no-header",
          `the first line is not a ${name} header (${error ?? "no column names"}); expected column names such as instruction${delimiter}output`,
          { line: rec.line },
        );
        return;
      }
      // The first column name used twice (empty names are ignored columns, so they may repeat).
      const twice = names.findIndex((n, k) => n !== "" && names.indexOf(n) < k);
      if (twice >= 0) {
        // Which of the two columns a row means is a guess either way, so ask rather than pick one.
        const first = names.indexOf(names[twice]);
        c.fail(
          "no-header",
          `the header names column ${JSON.stringify(clip(names[twice]))} twice (columns ${first + 1} and ${twice + 1}); expected each name once: rename or remove one of them`,
          { line: rec.line, column: fieldColumns(rec.firstLine, delimiter)[twice] ?? 1 },
        );
        return;
      }
      continue;
    }
    c.records++;
    const row = ++index;
    const line = rec.line;
    const skipRow = (reason: SkipReason, column: number, message: string) =>
      c.skip({ reason, line, column, row, path: `$[${row - 1}]`, message });
    if ("notUtf8" in rec) {
      skipRow("not-utf8", rec.column, rec.notUtf8);
      continue;
    }
    const { fields, error } = splitFields(rec.text, delimiter);
    if (error !== null) {
      const unclosed = /quote/i.test(error);
      skipRow(
        "csv-syntax",
        1,
        unclosed
          ? `${error}: a quote opened in this row is never closed, so the rest of the file was read as one field; expected a closing '"' (write quotes inside fields as "")`
          : error,
      );
      continue;
    }
    const cols = fieldColumns(rec.firstLine, delimiter);
    if (fields.length !== header.length) {
      skipRow(
        "csv-field-count",
        fields.length > header.length ? (cols[header.length] ?? 1) : (cols[cols.length - 1] ?? 1),
        `the row has ${fields.length} fields but the header (line ${headerLine}) has ${header.length}; expected ${header.length} (quote fields that contain "${delimiter === "\t" ? "\\t" : delimiter}")`,
      );
      continue;
    }
    // An empty column name is an ignored column; fromEntries keeps a "__proto__" column as a field.
    const record = Object.fromEntries(header.flatMap((h, k) => (h === "" ? [] : [[h, fields[k]]])));
    const at = header;
    ingestRecord(
      c,
      record,
      { index: row - 1, row, where: `row ${row}`, locate: () => ({ line, column: 1 }), fieldColumn: (f) => cols[at.indexOf(f)] },
      templates,
    );
    await c.pace();
  }
  if (header === null && !c.fatal) c.fail("empty-file", `the file is empty; expected a ${name} header line and rows`);
  else if (header !== null && c.records === 0 && !c.fatal) {
    c.fail("empty-file", `the file has a header (line ${headerLine}) but no rows under it; expected one row per example after the header`, {
      line: headerLine,
      column: 1,
    });
  }
}
