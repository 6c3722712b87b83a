// A trainer preset as the page shows it: the chosen tool, its options as the user typed them
// (KEY → raw value, parsed by the tool's option table), and the shape the page's examples are given
// in. The result is the ExampleView the token chips already show for a masking strategy.
import { tokenChips, type ExampleView } from "../maskView";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import type { ChatExample, Formatting } from "../types";
import { maskWithTrainer, TRAINERS, type TrainerInfo, type TrainerName } from ".";
import { parseOptions } from "./options";
import { trainerRow, type RowShape } from "./pageRow";
import { TrainerOptionError, type TrainerOutcome } from "./types";

export interface TrainerChoice {
  trainer: TrainerName;
  /** Only the options the user set, written as after KEY= on the CLI; the rest keep the tool's default. */
  options: Record<string, string>;
  row: RowShape;
}

export interface TrainerExampleView extends ExampleView {
  outcome: TrainerOutcome;
}

export function trainerInfo(name: TrainerName): TrainerInfo {
  return TRAINERS.find((t) => t.name === name) as TrainerInfo;
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
  return {
    index,
    text: tokenizer.decode(masked.inputIds),
    inputIds: masked.inputIds,
    labels: masked.labels,
    chips,
    trainedCount: chips.reduce((n, c) => n + (c.trained ? 1 : 0), 0),
    warnings: masked.warnings,
    outcome: masked.outcome,
  };
}
