// A run record as text, the one format for every place a run is kept: the browser's database, the
// localStorage of earlier versions (read once, to migrate) and run files. Reading validates it with
// the settings table's schema and the record's own, so an old or damaged record is reported and
// skipped rather than shown half-read.
import { firstIssue } from "../core/firstIssue";
import { z } from "zod";
import { inProgress, runRecordSchema, runWallMs, type RunRecord } from "../store/runRecord";

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseJson(text: string): Decoded<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
}

/**
 * The run as it comes back in a new page: a run that was in progress when the page closed is
 * "interrupted" with what it had; no worker holds its adapter any more.
 */
export function restoredRun(run: RunRecord): RunRecord {
  return { ...run, status: inProgress(run) ? "interrupted" : run.status, runningSince: null, adapterInWorker: false };
}

/** A stored record (JSON text) or an already parsed one, validated and restored. */
export function decodeRun(stored: unknown): Decoded<RunRecord> {
  let value = stored;
  if (typeof stored === "string") {
    const json = parseJson(stored);
    if (!json.ok) return json;
    value = json.value;
  }
  const r = runRecordSchema.safeParse(value);
  return r.success ? { ok: true, value: restoredRun(r.data) } : { ok: false, reason: firstIssue(r.error) };
}

/** The record as stored; the running stretch is closed now, so an interrupted run keeps its time up to the last save. */
export function encodeRun(run: RunRecord, now = Date.now()): string {
  return JSON.stringify({ ...run, wallMs: runWallMs(run, now), runningSince: null });
}

/** What a run file's run.json says it is, so other JSON is told apart from a newer format. */
export const RUN_FILE = { format: "finetuning-playground.run", version: 1 } as const;

export function encodeRunFile(run: RunRecord): string {
  return `{"format":${JSON.stringify(RUN_FILE.format)},"version":${RUN_FILE.version},"run":${encodeRun(run)}}\n`;
}

const runFileSchema = z.object({ format: z.literal(RUN_FILE.format), version: z.number(), run: z.unknown() });

/** A run.json's text: its format checked (a newer version is named as such), then the record. */
export function decodeRunFile(text: string): Decoded<RunRecord> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const file = runFileSchema.safeParse(json.value);
  if (!file.success) return { ok: false, reason: `not a playground run file (it has no "format": "${RUN_FILE.format}")` };
  if (file.data.version > RUN_FILE.version)
    return {
      ok: false,
      reason: `made by a newer playground (run file version ${file.data.version}); update this page and import it again`,
    };
  return decodeRun(file.data.run);
}
