// Runs as files, to move them to another browser or keep them past the browser's storage: "file ⤓"
// downloads a run as a .zip with a folder holding run.json (the record, runCodec's format) and, when
// the run has one, its adapter as PEFT writes it (adapter_config.json + adapter_model.safetensors, so
// the folder also loads with PeftModel.from_pretrained). "import runs" reads such zips (one run or
// many) or a bare run.json, validates every record and adapter, and adds the runs to the table. A run
// with a checkpoint carries its newest as checkpoint-STEP/ (the CLI's layout, so `train
// --resume-from-checkpoint FOLDER/checkpoint-STEP` reads it too), and an imported one can be resumed.
import { strToU8, strFromU8, unzipSync, zipSync, type Zippable } from "fflate";
import { environment } from "./environment";
import { exportFolderName } from "./exportActions";
import { store } from "../store/playgroundStore";
import { decodeRunFile, encodeRunFile } from "./runCodec";
import { RUN_LIMITS, type RunRecord } from "../store/runRecord";
import { adapterBytes, type StoredAdapter } from "./runsPersistence";
import { adapterFiles, keepAdapter } from "./runsStorage";
import { CHECKPOINT_FILE_NAMES } from "../core/checkpointFiles";
import type { CheckpointBuffers } from "../core/protocol";
import { keepCheckpoint, newestCheckpoint } from "./runCheckpoints";

export const RUN_JSON = "run.json";
export const ADAPTER_CONFIG = "adapter_config.json";
export const ADAPTER_WEIGHTS = "adapter_model.safetensors";

export interface RunWithAdapter {
  run: RunRecord;
  adapter: StoredAdapter | null;
  /** The run's newest checkpoint, to resume from (absent: none kept, or none in the file). */
  checkpoint?: { step: number; files: CheckpointBuffers } | null;
}

/** The zip of `entries`, one folder each (named after the run; a repeated name gets the run's id). */
export function runArchive(entries: readonly RunWithAdapter[]): Uint8Array {
  const files: Zippable = {};
  const used = new Set<string>();
  for (const { run, adapter, checkpoint } of entries) {
    let folder = exportFolderName(run.label);
    if (used.has(folder)) folder = `${folder}-${run.id.slice(0, 8)}`;
    used.add(folder);
    // The record says which adapter comes with it, so an import knows the step it was trained to.
    const { storedAdapter: _, checkpoint: _kept, ...rest } = run;
    const withAdapter: RunRecord = adapter ? { ...rest, storedAdapter: { step: adapter.step, bytes: adapterBytes(adapter) } } : rest;
    const record: RunRecord = checkpoint && run.checkpoint ? { ...withAdapter, checkpoint: run.checkpoint } : withAdapter;
    files[`${folder}/${RUN_JSON}`] = strToU8(encodeRunFile(record));
    if (adapter) {
      files[`${folder}/${ADAPTER_CONFIG}`] = strToU8(adapter.configJson);
      // Already dense float32: deflate gains little and costs time.
      files[`${folder}/${ADAPTER_WEIGHTS}`] = [new Uint8Array(adapter.safetensors), { level: 0 }];
    }
    if (checkpoint)
      for (const name of CHECKPOINT_FILE_NAMES)
        files[`${folder}/checkpoint-${checkpoint.step}/${name}`] = [new Uint8Array(checkpoint.files[name]), { level: 0 }];
  }
  return zipSync(files, { level: 6 });
}

/** Why `bytes` is not a safetensors file (an 8-byte header length, then that much JSON), or null. */
export function safetensorsProblem(bytes: Uint8Array): string | null {
  if (bytes.byteLength < 8) return `${ADAPTER_WEIGHTS} is ${bytes.byteLength} bytes, too short for a safetensors header`;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (8 + n > bytes.byteLength) return `${ADAPTER_WEIGHTS} says its header is ${n} bytes, more than the file holds`;
  const header = jsonObjectProblem(strFromU8(bytes.subarray(8, 8 + n)), "its header");
  return header === null ? null : `${ADAPTER_WEIGHTS}'s header is not a JSON object, so it is not a safetensors file`;
}

function jsonObjectProblem(text: string, name: string): string | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? null : `${name} is not a JSON object`;
  } catch (err) {
    return `${name} is not JSON (${(err as Error).message})`;
  }
}

export interface ReadRuns {
  runs: RunWithAdapter[];
  /** One line per thing that could not be read, naming the file and the entry. */
  problems: string[];
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b; // "PK"

/** The runs in one chosen file: a zip from "file ⤓" (any number of run folders) or a bare run.json. */
export function readRunFile(fileName: string, bytes: Uint8Array): ReadRuns {
  const again = 'download it again with "file ⤓" in the page that has the run.';
  if (!isZip(bytes)) {
    const got = decodeRunFile(strFromU8(bytes));
    return got.ok
      ? { runs: [{ run: got.value, adapter: null }], problems: [] }
      : { runs: [], problems: [`${fileName}: ${got.reason}; ${again}`] };
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    return { runs: [], problems: [`${fileName} is not a readable zip (${(err as Error).message}); ${again}`] };
  }
  const records = Object.keys(entries).filter((p) => p === RUN_JSON || p.endsWith(`/${RUN_JSON}`));
  if (records.length === 0) return { runs: [], problems: [`${fileName} holds no ${RUN_JSON}, so it is not a run file; ${again}`] };
  const out: ReadRuns = { runs: [], problems: [] };
  for (const path of records) {
    const got = decodeRunFile(strFromU8(entries[path]));
    if (!got.ok) {
      out.problems.push(`${fileName}: ${path}: ${got.reason}`);
      continue;
    }
    const folder = path.slice(0, path.length - RUN_JSON.length);
    const config = entries[folder + ADAPTER_CONFIG];
    const weights = entries[folder + ADAPTER_WEIGHTS];
    const { storedAdapter, checkpoint: _kept, ...run } = got.value;
    const checkpoint = checkpointIn(entries, folder);
    if (!config && !weights) {
      out.runs.push({ run, adapter: null, checkpoint });
      continue;
    }
    const configJson = config ? strFromU8(config) : "";
    const problem = !config
      ? `${ADAPTER_CONFIG} is missing`
      : !weights
        ? `${ADAPTER_WEIGHTS} is missing`
        : (jsonObjectProblem(configJson, ADAPTER_CONFIG) ?? safetensorsProblem(weights));
    if (problem) {
      out.problems.push(`${fileName}: ${folder}: ${problem}; ${run.label} is imported without its adapter.`);
      out.runs.push({ run, adapter: null, checkpoint });
      continue;
    }
    const safetensors = weights!.slice().buffer;
    const adapter: StoredAdapter = { configJson, safetensors, step: storedAdapter?.step ?? run.steps.at(-1)?.step ?? 0 };
    out.runs.push({ run: { ...run, storedAdapter: { step: adapter.step, bytes: adapterBytes(adapter) } }, adapter, checkpoint });
  }
  return out;
}

/** A run folder's checkpoint-STEP/ with all six files (the newest, when there are several), or null. */
function checkpointIn(entries: Record<string, Uint8Array>, folder: string): { step: number; files: CheckpointBuffers } | null {
  const [prefix, suffix] = [`${folder}checkpoint-`, "/trainer_state.json"];
  const steps = Object.keys(entries)
    .filter((p) => p.startsWith(prefix) && p.endsWith(suffix))
    .map((p) => Number(p.slice(prefix.length, p.length - suffix.length)))
    .filter(Number.isInteger)
    .sort((a, b) => b - a);
  for (const step of steps) {
    const at = (name: string) => entries[`${folder}checkpoint-${step}/${name}`];
    if (CHECKPOINT_FILE_NAMES.every((n) => at(n)))
      return { step, files: Object.fromEntries(CHECKPOINT_FILE_NAMES.map((n) => [n, at(n).slice().buffer])) as CheckpointBuffers };
  }
  return null;
}

/** The run with the adapter it has (kept in the browser or in the worker), or none, and its newest whole checkpoint. */
async function withAdapter(run: RunRecord): Promise<RunWithAdapter> {
  const checkpoint = run.checkpoint ? (await newestCheckpoint(run.id)).found : null;
  if (!run.storedAdapter && !run.adapterInWorker) return { run, adapter: null, checkpoint };
  return { run, adapter: await adapterFiles(run.id), checkpoint };
}

/** Downloads the runs `ids` (one run: named after it) as a zip that "import runs" reads. */
export async function downloadRunFile(ids: readonly string[]): Promise<void> {
  const runs = ids.map((id) => store().runs[id]).filter((r): r is RunRecord => r !== undefined);
  if (runs.length === 0) throw new Error("There is no run to download; train one first.");
  const entries = await Promise.all(runs.map(withAdapter));
  const name = runs.length === 1 ? `${exportFolderName(runs[0].label)}.run.zip` : `playground-runs-${runs.length}.zip`;
  const zip = runArchive(entries);
  environment().downloads.save(name, new Blob([zip as BlobPart], { type: "application/zip" }), "application/zip");
}

export interface ImportReport {
  /** "run 3 (with its adapter)" per run added. */
  imported: string[];
  /** What was not imported, and why. */
  problems: string[];
}

/** Reads the chosen files and adds their runs (with their adapters) to the table and the browser's storage. */
export async function importRunFiles(files: readonly File[]): Promise<ImportReport> {
  const report: ImportReport = { imported: [], problems: [] };
  const found: RunWithAdapter[] = [];
  for (const file of files) {
    const got = readRunFile(file.name, new Uint8Array(await file.arrayBuffer()));
    found.push(...got.runs);
    report.problems.push(...got.problems);
  }
  const fresh = found.filter(({ run }, i) => {
    if (store().runs[run.id] || found.findIndex((f) => f.run.id === run.id) < i) {
      report.problems.push(`${run.label} is already in the table (the same run); delete it there first to import it again.`);
      return false;
    }
    return true;
  });
  const added = new Set(
    store()
      .importRuns(fresh.map((f) => f.run))
      .map((r) => r.id),
  );
  const left = fresh.filter((f) => !added.has(f.run.id));
  if (left.length)
    report.problems.push(
      `The table keeps ${RUN_LIMITS.maxRuns} runs, so ${left.map((f) => f.run.label).join(", ")} ${left.length === 1 ? "was" : "were"} not imported; delete runs you no longer need and import again.`,
    );
  for (const { run, adapter, checkpoint } of fresh) {
    if (!added.has(run.id)) continue;
    if (adapter) keepAdapter(run.id, adapter);
    // Kept as the page keeps its own (checksummed), so "Resume from step N" and "continue" find it.
    if (checkpoint) await keepCheckpoint({ runId: run.id, step: checkpoint.step, ms: 0, files: checkpoint.files });
    const parts = [adapter ? "its adapter" : "", checkpoint ? `its checkpoint of step ${checkpoint.step}` : ""].filter(Boolean);
    report.imported.push(parts.length ? `${run.label} (with ${parts.join(" and ")})` : run.label);
  }
  return report;
}
