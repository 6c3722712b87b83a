// A trainer_state.json as transformers' Trainer.save_state writes it, read into the series the loss
// chart draws over the run; and every way a wrong file is refused, with the next step.
import { describe, expect, it } from "vitest";
import { MAX_TRAINER_POINTS, parseTrainerState } from "./trainerState";

/** The shape of a real file (trainer_callback.py TrainerState): per-step logs, then the run's summary. */
const STATE = {
  best_metric: null,
  epoch: 15,
  global_step: 3,
  log_history: [
    { epoch: 0.2, grad_norm: 3.1, learning_rate: 0.005, loss: 14.41, step: 1 },
    { epoch: 0.4, grad_norm: 2.7, learning_rate: 0.0033, loss: 9.2, step: 2 },
    { epoch: 0.6, grad_norm: 2.2, learning_rate: 0.0017, loss: 6.05, step: 3 },
    { epoch: 0.6, step: 3, total_flos: 12, train_loss: 9.88, train_runtime: 1.2, train_samples_per_second: 2.5 },
    { epoch: 0.6, eval_loss: 5.1, step: 3 },
  ],
  max_steps: 3,
  trial_name: null,
};

describe("trainer_state.json", () => {
  it("gives the [step, loss] of each logged training step, not the summary or evaluations", () => {
    const r = parseTrainerState(JSON.stringify(STATE), "trainer_state.json");
    expect(r).toEqual({
      ok: true,
      log: {
        source: "trainer_state.json",
        points: [
          [1, 14.41],
          [2, 9.2],
          [3, 6.05],
        ],
      },
    });
  });

  it("keeps a long log small, with its last step", () => {
    const log_history = Array.from({ length: 5001 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1) }));
    const r = parseTrainerState(JSON.stringify({ log_history }), "long.json");
    if (!r.ok) throw new Error(r.message);
    expect(r.log.points.length).toBeLessThanOrEqual(MAX_TRAINER_POINTS + 1);
    expect(r.log.points.at(-1)).toEqual([5001, 1 / 5001]);
  });

  it.each([
    ["{", /x\.json: not valid JSON .*drop the trainer_state\.json that train\.py wrote/],
    [JSON.stringify({ global_step: 3 }), /x\.json: log_history: expected "log_history": a list/],
    [JSON.stringify({ log_history: [{ step: 1, eval_loss: 2 }] }), /no entry with "loss" and "step"; train with logging_steps=1/],
  ])("refuses %s, saying what is wrong and what to drop instead", (text, message) => {
    const r = parseTrainerState(text, "x.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
