// Checkpoint folders on disk, laid out as transformers' Trainer lays them out: OUT/checkpoint-STEP/,
// written whole or not at all, the oldest removed beyond save_total_limit, and the newest found for
// a resume from OUT (transformers' trainer_utils.get_last_checkpoint).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CHECKPOINT_FILE_NAMES, type CheckpointFiles } from "../core/checkpointFiles";
import { CliError } from "./cliError";

const CHECKPOINT_DIR = /^checkpoint-(\d+)$/;

/** OUT's checkpoint-STEP folders, oldest first (by step, as _sorted_checkpoints orders them). */
function checkpointsIn(out: string): Array<{ step: number; dir: string }> {
  if (!existsSync(out)) return [];
  return readdirSync(out)
    .flatMap((name) => {
      const m = CHECKPOINT_DIR.exec(name);
      return m && statSync(path.join(out, name)).isDirectory() ? [{ step: Number(m[1]), dir: path.join(out, name) }] : [];
    })
    .sort((a, b) => a.step - b.step);
}

/**
 * Writes OUT/checkpoint-STEP. The files go to a tmp- folder renamed into place when complete (as
 * transformers' _save_checkpoint does since 4.36), so a process killed mid-write leaves the previous
 * checkpoints and no half of a new one. Then keeps the newest `limit` (_rotate_checkpoints).
 */
export function writeCheckpointDir(out: string, step: number, files: CheckpointFiles, limit: number): string {
  const dir = path.join(out, `checkpoint-${step}`);
  const tmp = path.join(out, `tmp-checkpoint-${step}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const name of CHECKPOINT_FILE_NAMES) writeFileSync(path.join(tmp, name), files[name]);
  // A resumed run saves a step it had saved before it was killed: the new one replaces it.
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  const all = checkpointsIn(out);
  for (const old of all.slice(0, Math.max(0, all.length - limit))) rmSync(old.dir, { recursive: true, force: true });
  return dir;
}

/**
 * The files of the checkpoint `dir` names: a checkpoint-STEP folder, or an output folder whose newest
 * checkpoint is taken. Throws what is missing and what to pass instead.
 */
export function readCheckpointDir(dir: string): { dir: string; files: Partial<CheckpointFiles> } {
  if (!existsSync(dir))
    throw new CliError(`--resume-from-checkpoint ${dir}: not found; pass a checkpoint-STEP folder that train --save-steps wrote`);
  const chosen = existsSync(path.join(dir, "trainer_state.json")) ? dir : checkpointsIn(dir).at(-1)?.dir;
  if (!chosen)
    throw new CliError(
      `--resume-from-checkpoint ${dir}: neither a checkpoint (no trainer_state.json) nor a folder with checkpoint-STEP folders; pass one that train --save-steps wrote`,
    );
  const files: Partial<CheckpointFiles> = {};
  for (const name of CHECKPOINT_FILE_NAMES) {
    const file = path.join(chosen, name);
    if (existsSync(file)) files[name] = new Uint8Array(readFileSync(file));
  }
  return { dir: chosen, files };
}
