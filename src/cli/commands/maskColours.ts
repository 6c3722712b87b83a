// Tokens coloured by label for the terminal, like axolotl's --debug: green trained, red masked,
// each as `text(label, id)` so masked positions stay readable without colour.
import type { PlaygroundTokenizer } from "../../core/tokenizer/playgroundTokenizer";
import { IGNORE_INDEX } from "../../core/types";

const GREEN = "\x1b[32m";
const RED = "\x1b[31m";
const RESET = "\x1b[0m";

/**
 * The mask as `--json` prints it (`out`, one JSON line), or as a person reads it: coloured tokens, the
 * counts (then `outcome`, where a trainer gave one), the warnings. Returns the exit code, 0.
 */
export function printMask(
  json: boolean | undefined,
  tokenizer: PlaygroundTokenizer,
  out: { input_ids: number[]; labels: number[]; warnings: string[]; [field: string]: unknown },
  outcome = "",
): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  }
  const { input_ids: ids, labels, warnings } = out;
  const chips = ids.map((id, i) => {
    const chip = `${tokenizer.displayToken(id)}(${labels[i]}, ${id})`;
    return process.env.NO_COLOR ? chip : `${labels[i] === IGNORE_INDEX ? RED : GREEN}${chip}${RESET}`;
  });
  const trained = labels.filter((l) => l !== IGNORE_INDEX).length;
  process.stdout.write(`${chips.join(" ")}\n`);
  process.stdout.write(`${ids.length} tokens, ${trained} trained (green), ${ids.length - trained} masked (red)${outcome}\n`);
  for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
  return 0;
}
