// The step every reader shares: one decoded record → an example, or a counted, located problem.
import type { TextTemplates } from "../types";
import type { Collector } from "./collector";
import { convertRecord, type SkippedPart } from "./records";

export interface RecordPlace {
  /** 0-based record index: the `$[i]` of paths. */
  index: number;
  /** "line 3", "row 2": how messages refer to the record. */
  where: string;
  /** Line and column of the record; called only when there is a problem to point at. */
  locate: () => { line: number; column: number };
  /** 1-based CSV/Parquet row. */
  row?: number;
  /** Column of a field, when the reader knows where fields sit (CSV). */
  fieldColumn?: (field: string) => number | undefined;
}

/** The line, column and row of a path inside the record (the field's column when the reader knows it). */
function position(place: RecordPlace, path: string) {
  const field = /^\.([^.[]+)/.exec(path)?.[1];
  const { line, column: recordColumn } = place.locate();
  const column = (field !== undefined && place.fieldColumn?.(field)) || recordColumn;
  return { line, column, ...(place.row !== undefined ? { row: place.row } : {}) };
}

/** One note per record, at its first skipped part: a dataset of images must not flood the list. */
function noteSkippedParts(c: Collector, skipped: SkippedPart[], place: RecordPlace): void {
  const types = [...new Set(skipped.map((p) => JSON.stringify(p.type)))].join(", ");
  const what = skipped.length === 1 ? `one ${types} part was` : `${skipped.length} non-text parts (${types}) were`;
  c.keptWithNote({
    reason: "part-skipped",
    ...position(place, skipped[0].path),
    path: `$[${place.index}]${skipped[0].path}`,
    message: `${what} left out of the content: this playground trains on text only, so the record is kept with its text parts`,
  });
}

export function ingestRecord(c: Collector, record: unknown, place: RecordPlace, templates: TextTemplates): void {
  const outcome = convertRecord(record, c.format, c.formatWhere, templates);
  if ("turns" in outcome) {
    if (c.format === null) {
      c.format = outcome.format;
      c.formatWhere = place.where;
    }
    const id = `${c.fileName}#${place.index + 1}`;
    c.addExample(outcome.tools ? { id, turns: outcome.turns, tools: outcome.tools } : { id, turns: outcome.turns });
    if (outcome.skipped.length > 0) noteSkippedParts(c, outcome.skipped, place);
    return;
  }
  // A record in a recognised format fixes the file's format even when it has a problem, so the
  // records after a broken first one are judged against the format the file is really in.
  if (c.format === null && outcome.format !== null && outcome.reason !== "shape-changed") {
    c.format = outcome.format;
    c.formatWhere = place.where;
  }
  c.skip({ reason: outcome.reason, ...position(place, outcome.path), path: `$[${place.index}]${outcome.path}`, message: outcome.message });
}
