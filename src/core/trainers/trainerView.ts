// A trainer preset as the page shows it: the chosen tool, its options as the user typed them
// (KEY → raw value, parsed by the tool's option table), and the shape the page's examples are given
// in. The result is the ExampleView the token chips already show for a masking strategy.
import { tokenChips, type ExampleView } from "../maskView";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import type { ChatExample, Formatting } from "../types";
import { z } from "zod";
import { maskWithTrainer, TRAINER_NAMES, TRAINERS, type TrainerInfo, type TrainerName } from ".";
import { parseOptions } from "./options";
import { ROW_SHAPE_NAMES, trainerRow } from "./pageRow";
import { TrainerOptionError, type TrainerOutcome } from "./types";

export const TrainerChoiceSchema = z.object({
  trainer: z.enum(TRAINER_NAMES),
  /** Only the options the user set, written as after KEY= on the CLI; the rest keep the tool's default. */
  options: z.record(z.string(), z.string()),
  row: z.enum(ROW_SHAPE_NAMES),
});
/** A preset and its options: what the mask view shows, and what a run trained with (RunRecord.trainer). */
export type TrainerChoice = z.infer<typeof TrainerChoiceSchema>;

export interface TrainerExampleView extends ExampleView {
  outcome: TrainerOutcome;
}

export function trainerInfo(name: TrainerName): TrainerInfo {
  return TRAINERS.find((t) => t.name === name) as TrainerInfo;
}

/** The preset as a run names it: `axolotl chat_template (train_on_eos=none)`. */
export function describeChoice(choice: TrainerChoice): string {
  const pairs = optionPairs(choice.options);
  return `${trainerInfo(choice.trainer).label}${pairs.length > 0 ? ` (${pairs.join(", ")})` : ""}`;
}

export function optionPairs(options: Record<string, string>): string[] {
  return Object.entries(options).map(([k, v]) => `${k}=${v}`);
}

/**
 * One example as `choice.trainer` labels it. A problem with this example (no answer to be the
 * completion, a template that fails) stays in this example as a trainer-error warning; a bad option
 * throws TrainerOptionError, since it concerns every example.
 */
export function trainerExampleView(
  tokenizer: PlaygroundTokenizer,
  example: ChatExample,
  index: number,
  formatting: Formatting,
  choice: TrainerChoice,
): TrainerExampleView {
  const pairs = optionPairs(choice.options);
  let masked;
  try {
    masked = maskWithTrainer(choice.trainer, tokenizer, trainerRow(example, formatting, choice.row), pairs);
  } catch (err) {
    // Re-parse alone: an option error must surface for every example, not as one example's warning.
    parseOptions(choice.trainer, trainerInfo(choice.trainer).options, pairs);
    const message = `Example ${index + 1}: ${(err as Error).message}`;
    const code = err instanceof TrainerOptionError ? "trainer-error" : "chat-template-missing";
    return { index, text: "", inputIds: [], labels: [], chips: [], trainedCount: 0, warnings: [{ code, message }], outcome: "error" };
  }
  const chips = tokenChips(tokenizer, masked);
  const trainedCount = chips.reduce((n, c) => n + (c.trained ? 1 : 0), 0);
  const { inputIds, labels, warnings, outcome } = masked;
  return { index, text: tokenizer.decode(inputIds), inputIds, labels, chips, trainedCount, warnings, outcome };
}

const outcomeOf = (view: ExampleView): TrainerOutcome => ("outcome" in view ? (view as TrainerExampleView).outcome : "kept");

/**
 * What a run trains on under a preset: exactly the ids and labels the mask view shows, without the
 * rows the tool drops before training (TRL's fully masked rows, LLaMA-Factory's malformed ones). A row
 * the tool stops on stops the run before it starts, as the tool would, with that row's reason (the
 * caller adds where to fix it).
 */
export function presetTrainingRows<T extends ExampleView>(
  views: readonly T[],
  trainer: TrainerName,
): { rows: T[]; dropped: number[] } | { error: string } {
  const stopped = views.find((v) => outcomeOf(v) === "error");
  if (stopped) {
    const why = stopped.warnings.find((w) => w.code === "trainer-error" || w.code === "chat-template-missing")?.message ?? "";
    return {
      error: `${trainerInfo(trainer).label} stops on example ${stopped.index + 1}, so nothing is trained: ${why.replace(/^Example \d+: /, "")}`,
    };
  }
  return {
    rows: views.filter((v) => outcomeOf(v) === "kept"),
    dropped: views.filter((v) => outcomeOf(v) === "dropped").map((v) => v.index + 1),
  };
}
