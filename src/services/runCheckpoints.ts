// Runs' checkpoints in the browser's database (issue 26): the worker hands over a checkpoint's files
// (every save_steps, at least every minute, at pause, stop and finish) and the page writes them, so
// training never waits on storage. Each write is one transaction that adds the new checkpoint and
// drops the oldest beyond the run's save_total_limit (transformers' _rotate_checkpoints), so a crash
// or a full quota leaves the previous ones whole. Each carries a SHA-256 of its files, checked
// before a resume: a damaged checkpoint is reported with its run and step and the one before is used.
//   store "checkpoints"  "RUN_ID/STEP" → StoredCheckpoint
import { CHECKPOINT_FILE_NAMES } from "../core/checkpointFiles";
import { concatBytes } from "../core/concatBytes";
import { formatBytes } from "../core/dataset/bytes";
import type { CheckpointBuffers, FromWorker } from "../core/protocol";
import { errorMessage } from "../core/workerEnvelope";
import { runsStorageChanged } from "../store/actions";
import { store } from "../store/playgroundStore";
import { environment } from "./environment";
import { isQuotaError } from "./runsPersistence";

/** Bumped when a stored checkpoint's shape changes; an older one is reported, not half-read. */
const STORED_FORMAT = 1;

interface StoredCheckpoint {
  format: number;
  runId: string;
  step: number;
  savedAt: number;
  /** SHA-256 of the files, each preceded by its name and length (checksum below), in hex. */
  sha256: string;
  files: CheckpointBuffers;
}

/** A checkpoint the worker handed over (protocol.ts "checkpoint"). */
export type HandedCheckpoint = Omit<Extract<FromWorker, { type: "checkpoint" }>, "type">;

const keyOf = (runId: string, step: number) => `${runId}/${step}`;
const label = (runId: string) => store().runs[runId]?.label ?? runId;

/** Without a database: the newest checkpoint of each run, for as long as the tab lives. */
const inMemory = new Map<string, StoredCheckpoint>();
/** One write at a time per run, in the order the worker sent them. */
const queues = new Map<string, Promise<void>>();

export const checkpointBytes = (files: CheckpointBuffers) => CHECKPOINT_FILE_NAMES.reduce((n, name) => n + files[name].byteLength, 0);

/** SHA-256 over every file with its name and length before it, so bytes moved between files are caught too. */
async function checksum(files: CheckpointBuffers): Promise<string> {
  const encoder = new TextEncoder();
  const parts = CHECKPOINT_FILE_NAMES.flatMap((name) => [
    encoder.encode(`${name}:${files[name].byteLength}\n`),
    new Uint8Array(files[name]),
  ]);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", concatBytes(parts) as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The steps of `runId`'s checkpoints in the database, oldest first. */
async function storedSteps(runId: string): Promise<number[]> {
  const db = environment().database;
  if (!db) return inMemory.has(runId) ? [inMemory.get(runId)!.step] : [];
  const prefix = `${runId}/`;
  return (await db.keys("checkpoints"))
    .filter((k) => k.startsWith(prefix))
    .map((k) => Number(k.slice(prefix.length)))
    .filter(Number.isInteger)
    .sort((a, b) => a - b);
}

/** Keeps a checkpoint the worker handed over; a refused write keeps the previous ones and says so. */
export function keepCheckpoint(c: HandedCheckpoint): Promise<void> {
  const next = (queues.get(c.runId) ?? Promise.resolve()).then(() => write(c));
  queues.set(c.runId, next);
  return next;
}

async function write(c: HandedCheckpoint): Promise<void> {
  const run = store().runs[c.runId];
  if (!run) return;
  const start = performance.now();
  const stored: StoredCheckpoint = {
    format: STORED_FORMAT,
    runId: c.runId,
    step: c.step,
    savedAt: Date.now(),
    sha256: await checksum(c.files),
    files: c.files,
  };
  const db = environment().database;
  try {
    if (!db) inMemory.set(c.runId, stored);
    else {
      const older = (await storedSteps(c.runId)).filter((s) => s !== c.step);
      const dropped = older.slice(0, Math.max(0, older.length - (run.settings.saveTotalLimit - 1)));
      await db.write([
        { kind: "put", store: "checkpoints", key: keyOf(c.runId, c.step), value: stored },
        ...dropped.map((s) => ({ kind: "delete" as const, store: "checkpoints" as const, key: keyOf(c.runId, s) })),
      ]);
    }
  } catch (err) {
    runsStorageChanged({ saveError: notSavedMessage(c, err) });
    return;
  }
  const checkpoint = { step: c.step, bytes: checkpointBytes(c.files), takeMs: c.ms, writeMs: performance.now() - start };
  store().updateRun(c.runId, () => ({ checkpoint }));
}

/** Where, why, and what still holds: the previous checkpoint, and which runs take the most room. */
function notSavedMessage(c: HandedCheckpoint, err: unknown): string {
  const run = store().runs[c.runId];
  const previous = run?.checkpoint ? `${label(c.runId)} can still resume from step ${run.checkpoint.step}, its last saved checkpoint` : "";
  const keep = `${previous ? `${previous}; ` : ""}training goes on.`;
  if (!isQuotaError(err))
    return `The checkpoint of ${label(c.runId)} at step ${c.step} was not saved: ${errorMessage(err).replace(/\.$/, "")}. ${keep[0].toUpperCase()}${keep.slice(1)} The next checkpoint is tried again.`;
  const largest = Object.values(store().runs)
    .map((r) => ({ label: r.label, bytes: (r.storedAdapter?.bytes ?? 0) + (r.checkpoint?.bytes ?? 0) * r.settings.saveTotalLimit }))
    .filter((r) => r.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3);
  const candidates = largest.length
    ? ` Delete runs you no longer need, the largest first: ${largest.map((r) => `${r.label} (${formatBytes(r.bytes)})`).join(", ")}.`
    : "";
  return `The browser's storage for this page is full, so the checkpoint of ${label(c.runId)} at step ${c.step} (${formatBytes(checkpointBytes(c.files))}) was not saved; ${keep}${candidates}`;
}

/** Why a stored value is not a checkpoint this page can use, or null when it is whole. */
async function damage(value: unknown): Promise<string | null> {
  const v = value as Partial<StoredCheckpoint> | undefined;
  if (!v || typeof v !== "object") return "it is missing";
  if (v.format !== STORED_FORMAT)
    return `it was saved in format ${String(v.format)} by another version of the playground, which this one does not read`;
  const files = v.files as Partial<CheckpointBuffers> | undefined;
  const missing = CHECKPOINT_FILE_NAMES.filter((n) => !(files?.[n] instanceof ArrayBuffer));
  if (missing.length) return `it lacks ${missing.join(", ")}`;
  if ((await checksum(files as CheckpointBuffers)) !== v.sha256) return "its bytes changed in storage (the checksum does not match)";
  return null;
}

/**
 * The newest whole checkpoint of `runId`, checked against its checksum; each damaged one on the way is
 * said with its run and step (and removed, so it is not tried again); `found` is null when none is whole.
 */
export async function newestCheckpoint(runId: string): Promise<{
  found: { step: number; files: CheckpointBuffers } | null;
  damaged: Array<{ step: number; message: string }>;
}> {
  const db = environment().database;
  const damaged: Array<{ step: number; message: string }> = [];
  for (const step of (await storedSteps(runId)).reverse()) {
    const value = db ? await db.get("checkpoints", keyOf(runId, step)) : inMemory.get(runId);
    const why = await damage(value);
    if (why === null) return { found: { step, files: (value as StoredCheckpoint).files }, damaged };
    damaged.push({ step, message: `The checkpoint of ${label(runId)} at step ${step} cannot be used: ${why}.` });
    await db?.write([{ kind: "delete", store: "checkpoints", key: keyOf(runId, step) }]).catch(() => {});
  }
  return { found: null, damaged };
}

/** Removes the checkpoints of runs that are gone (deleted, or dropped beyond the kept runs). */
export async function forgetCheckpoints(keep: (runId: string) => boolean): Promise<void> {
  const db = environment().database;
  for (const id of inMemory.keys()) if (!keep(id)) inMemory.delete(id);
  if (!db) return;
  const gone = (await db.keys("checkpoints")).filter((k) => !keep(k.slice(0, k.lastIndexOf("/"))));
  if (gone.length) await db.write(gone.map((key) => ({ kind: "delete" as const, store: "checkpoints" as const, key })));
}
