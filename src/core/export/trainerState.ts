// trainer_state.json, as transformers' Trainer.save_state writes it (trainer_callback.py TrainerState):
// `log_history` is a list of dicts; the training ones carry `loss` and `step` (others carry
// `train_runtime`, `eval_loss`, ...). The playground keeps the [step, loss] series to draw over its
// own curve for the run.
import { firstIssue } from "../firstIssue";
import { z } from "zod";

/** At most this many points are kept (the chart and localStorage stay small); longer logs are thinned. */
export const MAX_TRAINER_POINTS = 2000;

const logEntry = z.looseObject({ step: z.number().int().nonnegative(), loss: z.number().optional() });
const trainerState = z.looseObject({
  log_history: z.array(z.unknown(), { error: 'expected "log_history": a list of the logged steps' }),
  global_step: z.number().optional(),
});

export interface TrainerLog {
  /** The file's name, shown in the chart's legend. */
  source: string;
  /** [step, loss], in step order. */
  points: Array<[number, number]>;
}

export type TrainerLogResult = { ok: true; log: TrainerLog } | { ok: false; message: string };

const NEXT = "drop the trainer_state.json that train.py wrote (OUTPUT_DIR/trainer_state.json, or a checkpoint-*/ folder's)";

export function parseTrainerState(text: string, source: string): TrainerLogResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${source}: not valid JSON (${(e as Error).message}); ${NEXT}.` };
  }
  const state = trainerState.safeParse(json);
  if (!state.success) {
    return { ok: false, message: `${source}: ${firstIssue(state.error, "file")}; ${NEXT}.` };
  }
  const points: Array<[number, number]> = [];
  state.data.log_history.forEach((raw) => {
    const entry = logEntry.safeParse(raw);
    // Entries without a loss (the final summary, evaluations) are not training steps.
    if (entry.success && entry.data.loss !== undefined && Number.isFinite(entry.data.loss)) points.push([entry.data.step, entry.data.loss]);
  });
  if (points.length === 0) {
    return {
      ok: false,
      message: `${source}: log_history has no entry with "loss" and "step"; train with logging_steps=1 (as the exported train.py does) and ${NEXT}.`,
    };
  }
  points.sort((a, b) => a[0] - b[0]);
  return { ok: true, log: { source, points: thin(points) } };
}

function thin(points: Array<[number, number]>): Array<[number, number]> {
  if (points.length <= MAX_TRAINER_POINTS) return points;
  const every = Math.ceil(points.length / MAX_TRAINER_POINTS);
  const kept = points.filter((_, i) => i % every === 0);
  if (kept.at(-1) !== points.at(-1)) kept.push(points.at(-1)!);
  return kept;
}
