// The step every reader shares: one decoded record → an example, or a counted, located problem.
import type { TextTemplates } from "../types";
import type { Collector } from "./collector";
import { convertRecord } from "./records";

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

export function ingestRecord(c: Collector, record: unknown, place: RecordPlace, templates: TextTemplates): void {
  const outcome = convertRecord(record, c.format, c.formatWhere, templates);
  if ("turns" in outcome) {
    if (c.format === null) {
      c.format = outcome.format;
      c.formatWhere = place.where;
    }
    c.addExample({ id: `${c.fileName}#${place.index + 1}`, turns: outcome.turns });
    return;
  }
  // A record in a recognised format fixes the file's format even when it has a problem, so the
  // records after a broken first one are judged against the format the file is really in.
  if (c.format === null && outcome.format !== null && outcome.reason !== "shape-changed") {
    c.format = outcome.format;
    c.formatWhere = place.where;
  }
  const field = /^\.([^.[]+)/.exec(outcome.path)?.[1];
  const { line, column: recordColumn } = place.locate();
  const column = (field !== undefined && place.fieldColumn?.(field)) || recordColumn;
  c.skip({
    reason: outcome.reason,
    line,
    column,
    ...(place.row !== undefined ? { row: place.row } : {}),
    path: `$[${place.index}]${outcome.path}`,
    message: outcome.message,
  });
}
