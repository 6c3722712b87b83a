// What the token view shows: every example as chips (display text, id, label, special/added) with
// counts and warnings. The UI and the CLI's coloured output both build on this.
import { maskExample } from "./masking/maskExample";
import { prepareMasking, type PreparedMasking } from "./masking/prepare";
import type { PlaygroundTokenizer } from "./tokenizer/playgroundTokenizer";
import {
  IGNORE_INDEX,
  type ChatExample,
  type Formatting,
  type MaskedExample,
  type MaskingOptions,
  type MaskWarning,
  type TrainExample,
} from "./types";

export interface TokenChip {
  position: number;
  id: number;
  /** The label at this position: the id when trained, IGNORE_INDEX (-100) when masked. */
  label: number;
  trained: boolean;
  /** The token's text with whitespace made visible. */
  text: string;
  special: boolean;
  /** Added at runtime (`add_special_tokens`): its embedding row is new. */
  added: boolean;
}

export interface ExampleView {
  index: number;
  text: string;
  inputIds: number[];
  labels: number[];
  chips: TokenChip[];
  trainedCount: number;
  warnings: MaskWarning[];
}

export interface MaskView {
  prepared: PreparedMasking;
  examples: ExampleView[];
  /** Warnings about the settings, not one example. */
  warnings: MaskWarning[];
}

/**
 * One example masked under prepared settings, or, when its template fails to render, an empty one
 * whose warning says why: a failure stays inside that example and does not take the others down.
 */
export function maskOrExplain(
  prepared: PreparedMasking,
  example: ChatExample,
  index: number,
): Omit<MaskedExample, "tokens"> & { text: string } {
  try {
    return maskExample(example, prepared, index + 1);
  } catch (err) {
    const message = `Example ${index + 1}: ${(err as Error).message}`;
    return { text: "", inputIds: [], labels: [], warnings: [{ code: "chat-template-missing", message }] };
  }
}

/** One example's view under prepared settings. */
export function exampleView(prepared: PreparedMasking, example: ChatExample, index: number): ExampleView {
  const masked = maskOrExplain(prepared, example, index);
  const chips = tokenChips(prepared.tokenizer, masked);
  const trainedCount = chips.reduce((n, c) => n + (c.trained ? 1 : 0), 0);
  return { index, text: masked.text, inputIds: masked.inputIds, labels: masked.labels, chips, trainedCount, warnings: masked.warnings };
}

/** One chip per position of a masked example, as the token view shows it. */
export function tokenChips(tok: PlaygroundTokenizer, { inputIds, labels }: TrainExample): TokenChip[] {
  return inputIds.map((id, position) => ({
    position,
    id,
    label: labels[position],
    trained: labels[position] !== IGNORE_INDEX,
    text: tok.displayToken(id),
    special: tok.isSpecial(id),
    added: tok.isAdded(id),
  }));
}

export function buildMaskView(
  base: PlaygroundTokenizer,
  examples: readonly ChatExample[],
  formatting: Formatting,
  masking: MaskingOptions,
): MaskView {
  const prepared = prepareMasking(base, formatting, masking);
  const views = examples.map((example, index) => exampleView(prepared, example, index));
  return { prepared, examples: views, warnings: prepared.warnings };
}

/** Positions whose label differs between two views of the same example (compare mode). */
export function labelDifferences(a: ExampleView, b: ExampleView): { sameTokens: boolean; positions: number[] } {
  const sameTokens = a.inputIds.length === b.inputIds.length && a.inputIds.every((id, i) => id === b.inputIds[i]);
  if (!sameTokens) return { sameTokens, positions: [] };
  return { sameTokens, positions: a.labels.flatMap((l, i) => (l !== b.labels[i] ? [i] : [])) };
}
