// Tokens coloured by label for the terminal, like axolotl's --debug: green trained, red masked,
// each as `text(label, id)` so masked positions stay readable without colour.
import type { PlaygroundTokenizer } from "../../core/tokenizer/playgroundTokenizer";
import { IGNORE_INDEX } from "../../core/types";

const GREEN = "\x1b[32m";
const RED = "\x1b[31m";
const RESET = "\x1b[0m";

export function colourTokens(tokenizer: PlaygroundTokenizer, ids: readonly number[], labels: readonly number[], colour: boolean): string {
  return ids
    .map((id, i) => {
      const chip = `${tokenizer.displayToken(id)}(${labels[i]}, ${id})`;
      if (!colour) return chip;
      return `${labels[i] === IGNORE_INDEX ? RED : GREEN}${chip}${RESET}`;
    })
    .join(" ");
}

/** The mask as a person reads it: coloured tokens, the counts (then `outcome`, where a trainer gave one), the warnings. */
export function printMask(
  tokenizer: PlaygroundTokenizer,
  ids: readonly number[],
  labels: readonly number[],
  warnings: readonly string[],
  outcome = "",
): void {
  const trained = labels.filter((l) => l !== IGNORE_INDEX).length;
  process.stdout.write(`${colourTokens(tokenizer, ids, labels, !process.env.NO_COLOR)}\n`);
  process.stdout.write(`${ids.length} tokens, ${trained} trained (green), ${ids.length - trained} masked (red)${outcome}\n`);
  for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
}
