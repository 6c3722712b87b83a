// The lines a run logs every logging_steps, as transformers' Trainer logs them (_maybe_log_save_evaluate):
// the loss is the mean of the steps' losses since the last log, learning_rate and grad_norm are the
// logged step's own (the rate that step used: transformers logs it so since #36973), and an evaluation
// adds eval_loss to its step's line, or a line of its own on a step that is not logged.
import type { StepMetrics } from "./protocol";

/** One logged line: transformers' log_history names, plus the trained tokens since the last log. */
export interface StepLogLine {
  step: number;
  epoch: number;
  loss?: number;
  learning_rate?: number;
  grad_norm?: number;
  /** Label tokens the loss counted in the steps since the last log (the logged step's alone at logging_steps 1). */
  tokens?: number;
  eval_loss?: number;
}

export class StepLogger {
  private losses: number[] = [];
  private tokens = 0;

  constructor(private readonly loggingSteps: number) {}

  /** The line to print after step `m`, or null when this step neither logs nor evaluates. */
  add(m: StepMetrics): StepLogLine | null {
    this.losses.push(m.loss);
    this.tokens += m.tokens;
    const evaluated = m.evalLoss === undefined ? {} : { eval_loss: m.evalLoss };
    if (m.step % this.loggingSteps !== 0) return m.evalLoss === undefined ? null : { step: m.step, epoch: m.epoch, ...evaluated };
    const line: StepLogLine = {
      step: m.step,
      epoch: m.epoch,
      loss: this.losses.reduce((a, b) => a + b, 0) / this.losses.length,
      learning_rate: m.learningRate,
      grad_norm: m.gradNorm,
      tokens: this.tokens,
      ...evaluated,
    };
    this.losses = [];
    this.tokens = 0;
    return line;
  }
}
