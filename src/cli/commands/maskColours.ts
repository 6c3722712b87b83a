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
