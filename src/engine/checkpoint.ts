// A training checkpoint as transformers' Trainer._save_checkpoint lays one out (checkpoint-STEP/:
// the adapter as PEFT saves it, optimizer, scheduler, trainer_state.json, RNG state), in files the
// CLI writes to a folder and the page keeps in IndexedDB, and the restore that continues the run
// exactly (resume_from_checkpoint: _load_from_checkpoint, _load_optimizer_and_scheduler,
// _load_rng_state). torch's pickles (optimizer.pt, scheduler.pt, rng_state.pth) are replaced by
// documented equivalents that need no Python to read:
//   optimizer.safetensors  per PEFT parameter name `<name>.exp_avg` and `<name>.exp_avg_sq` (AdamW's
//                          state_dict values), the step count in the header's __metadata__
//   scheduler.json         LambdaLR's position: last_epoch (steps into this schedule), where it began
//                          and the steps it plans
//   rng_state.json         the shuffling and dropout generator (engine/rng.ts) instead of torch's
//   trainer_state.json     TrainerState's fields (global_step, epoch, max_steps, log_history, …) plus
//                          the epoch's data order and position (transformers re-derives those by
//                          reseeding and skipping batches; kept here so the next batch is exact)
import * as tf from "@tensorflow/tfjs-core";
import { z } from "zod";
import type { CheckpointFileName, CheckpointFiles } from "../core/checkpointFiles";
import type { StepLogLine } from "../core/stepLog";
import type { TrainingSettings } from "../core/settings/trainingSettings";
import { exportAdapter, loraKeys, tokenDeltaKey } from "./adapter";
import type { LoraAdapter } from "./lora";
import { readHeader, readSafetensors, writeSafetensors, type F32Tensor } from "./safetensors";
import type { Trainer, TrainerState } from "./trainer";
import type { CausalLM } from "./weights";
import { peftParameterNames } from "./gradients";

/** Bumped when a file changes meaning; an older checkpoint is read or refused with the reason. */
export const CHECKPOINT_VERSION = 1;

/** The settings a checkpoint records for its reader: TrainerState's save_steps and train_batch_size, the seed. */
type CheckpointSettings = Pick<TrainingSettings, "saveSteps" | "batchSize" | "seed">;

const encode = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/** The checkpoint of `trainer` now, between steps; `log` is the run's log_history so far. */
export async function checkpointFiles(
  model: CausalLM,
  lora: LoraAdapter,
  trainer: Trainer,
  log: StepLogLine[],
  settings: CheckpointSettings,
): Promise<CheckpointFiles> {
  const state = await trainer.saveState();
  const adapter = await exportAdapter(model, lora);
  const moments = new Map<string, F32Tensor>();
  const vars = peftParameterNames(model, lora);
  const shapes = [...lora.modules.values()].flatMap((m) => [m.A.shape, m.B.shape]);
  if (lora.newTokenRows) shapes.push(lora.newTokenRows.rows.shape);
  vars.forEach((name, i) => {
    moments.set(`${name}.exp_avg`, { shape: shapes[i], data: state.optimizer.expAvg[i] });
    moments.set(`${name}.exp_avg_sq`, { shape: shapes[i], data: state.optimizer.expAvgSq[i] });
  });
  const epoch = log.at(-1)?.epoch ?? 0;
  return {
    "adapter_config.json": new TextEncoder().encode(adapter["adapter_config.json"]),
    "adapter_model.safetensors": adapter["adapter_model.safetensors"],
    "optimizer.safetensors": writeSafetensors(moments, { format: "pt", step: String(state.optimizer.step) }),
    "scheduler.json": encode({
      last_epoch: state.globalStep - state.scheduleStart,
      schedule_start: state.scheduleStart,
      total_steps: state.totalSteps,
    }),
    "trainer_state.json": encode({
      global_step: state.globalStep,
      epoch,
      max_steps: state.totalSteps,
      save_steps: settings.saveSteps,
      train_batch_size: settings.batchSize,
      log_history: log,
      playground_checkpoint_version: CHECKPOINT_VERSION,
      data_size: state.dataSize,
      data_order: state.order,
      data_cursor: state.cursor,
    }),
    "rng_state.json": encode({ generator: "mulberry32", seed: settings.seed, state: state.rngState }),
  };
}

const count = z.number().int().min(0);
const TrainerStateFile = z.object({
  global_step: count,
  max_steps: count,
  log_history: z.array(
    z.object({
      step: count,
      epoch: z.number(),
      loss: z.number().optional(),
      learning_rate: z.number().optional(),
      // JSON has no Infinity: a diverged norm was written as null.
      grad_norm: z
        .number()
        .nullable()
        .transform((n) => n ?? Number.POSITIVE_INFINITY)
        .optional(),
      tokens: count.optional(),
      eval_loss: z.number().optional(),
    }),
  ),
  playground_checkpoint_version: z.number().int(),
  data_size: count,
  data_order: z.array(count),
  data_cursor: count,
});
const SchedulerFile = z.object({ schedule_start: count, total_steps: count });
const RngFile = z.object({
  generator: z.literal("mulberry32"),
  state: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
});

/** A checkpoint's files, read and checked; `where` names it in every message (a folder, a run and step). */
export interface ParsedCheckpoint {
  adapter: Map<string, F32Tensor>;
  state: TrainerState;
  log: StepLogLine[];
}

function json<T extends z.ZodType>(files: Partial<CheckpointFiles>, name: CheckpointFileName, schema: T, where: string): z.infer<T> {
  const bytes = files[name];
  if (!bytes) throw new Error(`${where}: ${name} is missing; the checkpoint is incomplete, use an earlier one`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`${where}: ${name} is not JSON (${(err as Error).message}); the checkpoint is damaged, use an earlier one`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `${where}: ${name} ${issue.path.join(".") || "(top level)"}: ${issue.message}; the checkpoint is damaged, use an earlier one`,
    );
  }
  return r.data;
}

function tensors(files: Partial<CheckpointFiles>, name: "adapter_model.safetensors" | "optimizer.safetensors", where: string) {
  const bytes = files[name];
  if (!bytes) throw new Error(`${where}: ${name} is missing; the checkpoint is incomplete, use an earlier one`);
  return readSafetensors(bytes, `${where}/${name}`);
}

/** Reads a checkpoint against the model and adapter it is to restore into; throws with the file and the fix. */
export function parseCheckpoint(model: CausalLM, lora: LoraAdapter, files: Partial<CheckpointFiles>, where: string): ParsedCheckpoint {
  const trainerState = json(files, "trainer_state.json", TrainerStateFile, where);
  if (trainerState.playground_checkpoint_version !== CHECKPOINT_VERSION)
    throw new Error(
      `${where}: checkpoint format ${trainerState.playground_checkpoint_version}, and this version reads format ${CHECKPOINT_VERSION}; open it with the version that wrote it, or train again`,
    );
  const scheduler = json(files, "scheduler.json", SchedulerFile, where);
  const rng = json(files, "rng_state.json", RngFile, where);
  const adapter = tensors(files, "adapter_model.safetensors", where);
  const optimizer = tensors(files, "optimizer.safetensors", where);
  const step = Number(readHeader(files["optimizer.safetensors"]!).metadata.step);
  if (!Number.isInteger(step))
    throw new Error(`${where}: optimizer.safetensors has no step count in its metadata; the checkpoint is damaged, use an earlier one`);
  const names = peftParameterNames(model, lora);
  const moment = (key: string) => {
    const t = optimizer.get(key);
    if (!t)
      throw new Error(
        `${where}: optimizer.safetensors lacks "${key}"; resume with the settings (r, target_modules) the checkpoint was trained with`,
      );
    return t.data;
  };
  return {
    adapter,
    log: trainerState.log_history,
    state: {
      globalStep: trainerState.global_step,
      totalSteps: scheduler.total_steps,
      scheduleStart: scheduler.schedule_start,
      order: trainerState.data_order,
      cursor: trainerState.data_cursor,
      rngState: rng.state,
      dataSize: trainerState.data_size,
      optimizer: { step, expAvg: names.map((n) => moment(`${n}.exp_avg`)), expAvgSq: names.map((n) => moment(`${n}.exp_avg_sq`)) },
    },
  };
}

/** Puts a parsed checkpoint's adapter weights and training state into `lora` and `trainer`. */
export function restoreCheckpoint(model: CausalLM, lora: LoraAdapter, trainer: Trainer, checkpoint: ParsedCheckpoint, where: string): void {
  const saved = (key: string, variable: tf.Variable): F32Tensor => {
    const t = checkpoint.adapter.get(key);
    if (!t || t.shape.join() !== variable.shape.join())
      throw new Error(
        `${where}: adapter_model.safetensors ${t ? `has "${key}" of shape [${t.shape}], expected [${variable.shape}]` : `lacks "${key}"`}; resume with the model and LoRA settings the checkpoint was trained with`,
      );
    return t;
  };
  // Everything is checked before anything changes, so a refused checkpoint leaves the run as it was.
  const updates: Array<[tf.Variable, F32Tensor]> = [];
  for (const [path, m] of lora.modules) {
    const [a, b] = loraKeys(path);
    updates.push([m.A, saved(a, m.A)], [m.B, saved(b, m.B)]);
  }
  if (lora.newTokenRows) updates.push([lora.newTokenRows.rows, saved(tokenDeltaKey(model), lora.newTokenRows.rows)]);
  trainer.loadState(checkpoint.state);
  for (const [variable, t] of updates) {
    const value = tf.tensor(t.data, t.shape);
    variable.assign(value);
    value.dispose();
  }
}
