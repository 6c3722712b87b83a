// The mask diagnosis on long text whose response template is not found: the case that decoded every
// prefix (a 200k-character text did not finish in 60 s). Times at 2k, 20k and 200k characters show
// whether the cost grows linearly with the text.
import { NOTEBOOK_TEMPLATES } from "../src/core/chat/textFormat";
import { maskText } from "../src/core/masking/maskExample";
import { prepareMasking } from "../src/core/masking/prepare";
import type { PlaygroundTokenizer } from "../src/core/tokenizer/playgroundTokenizer";

export interface MaskRow {
  chars: number;
  tokens: number;
  ms: number;
}

// "?\n\n" merges into one token, so "\n\n### Assistant:" alone never matches (the notebook's finding).
const TURN = '\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant: perro, ¿verdad? 🐕';

export function maskBench(tokenizer: PlaygroundTokenizer, sizes: readonly number[] = [2_000, 20_000, 200_000]): MaskRow[] {
  const prepared = prepareMasking(
    tokenizer,
    { kind: "text", templates: NOTEBOOK_TEMPLATES },
    {
      strategy: "completion-only",
      markerStart: null,
      markerEnd: null,
      insertMarkers: false,
      responseTemplate: { text: NOTEBOOK_TEMPLATES.response },
      instructionTemplate: { text: "" },
      addedSpecialTokens: [],
    },
  );
  maskText(TURN, prepared, 1); // warm-up: the tokenizer's caches and the JIT
  return sizes.map((chars) => {
    const text = TURN.repeat(Math.ceil(chars / TURN.length)).slice(0, chars);
    const t0 = performance.now();
    const masked = maskText(text, prepared, 1);
    const ms = performance.now() - t0;
    if (!masked.warnings.some((w) => w.code === "template-not-found"))
      throw new Error("bench/mask: the template was found; the bench measures the not-found diagnosis");
    return { chars, tokens: masked.inputIds.length, ms };
  });
}
