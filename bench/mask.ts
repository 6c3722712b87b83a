// The mask diagnosis on long text whose response template is not found: the case that decoded every
// prefix (a 200k-character text did not finish in 60 s). Times at 2k, 20k and 200k characters show
// whether the cost grows linearly with the text.
import { NOTEBOOK_TEMPLATES } from "../src/core/chat/textFormat";
import { DEFAULT_FORMATTING, DEFAULT_MASKING } from "../src/core/defaults";
import { maskText } from "../src/core/masking/maskExample";
import { prepareMasking } from "../src/core/masking/prepare";
import type { PlaygroundTokenizer } from "../src/core/tokenizer/playgroundTokenizer";
import type { ChatExample } from "../src/core/types";
import { computeMaskView } from "../src/store/maskViewMemo";
import { median, timed, type Row } from "./engine";

// "?\n\n" merges into one token, so "\n\n### Assistant:" alone never matches (the notebook's finding).
const TURN = '\n\n### Human: How do you say "dog" in Spanish?\n\n### Assistant: perro, ¿verdad? 🐕';

export function maskBench(tokenizer: PlaygroundTokenizer, sizes: readonly number[] = [2_000, 20_000, 200_000]): Row[] {
  const prepared = prepareMasking(tokenizer, DEFAULT_FORMATTING, {
    ...DEFAULT_MASKING,
    strategy: "completion-only",
    markerStart: null,
    insertMarkers: false,
    responseTemplate: { text: NOTEBOOK_TEMPLATES.response },
    instructionTemplate: { text: "" },
  });
  maskText(TURN, prepared, 1); // warm-up: the tokenizer's caches and the JIT
  return sizes.map((chars) => {
    const text = TURN.repeat(Math.ceil(chars / TURN.length)).slice(0, chars);
    const { value: masked, ms } = timed(() => maskText(text, prepared, 1));
    if (!masked.warnings.some((w) => w.code === "template-not-found"))
      throw new Error("bench/mask: the template was found; the bench measures the not-found diagnosis");
    const tokens = masked.inputIds.length;
    const note = `${tokens} tokens, ${((ms * 1000) / tokens).toFixed(1)} µs per token`;
    return { backend: "core", what: `mask, template not found: ${chars / 1000}k chars`, value: ms, unit: "ms", note };
  });
}

/** The page's mask view (store/maskViewMemo) on many long examples: the median time to rebuild it after one character typed into one example. */
export function keystrokeBench(tokenizer: PlaygroundTokenizer, count = 50, tokens = 2_000, keystrokes = 9): Row {
  const question = 'How do you say "dog" in Spanish? Tell me, and why. '.repeat(200);
  const long = question.slice(0, Math.ceil((question.length * tokens) / tokenizer.encode(question).length));
  const examples: ChatExample[] = Array.from({ length: count }, (_, i) => ({
    id: `ex-${i}`,
    turns: [
      { role: "user", content: `${i}: ${long}` },
      { role: "assistant", content: "perro" },
    ],
  }));
  const view = () => {
    const v = computeMaskView(tokenizer, examples, DEFAULT_FORMATTING, DEFAULT_MASKING);
    if (!v.ok) throw new Error(`bench/mask: the view failed: ${v.error}`);
    return v.view;
  };
  const tokensPerExample = view().examples.reduce((n, e) => n + e.inputIds.length, 0) / count;
  const times = Array.from({ length: keystrokes }, (_, k) => {
    const i = (k * 7) % count;
    examples[i] = {
      ...examples[i],
      turns: [{ ...examples[i].turns[0], content: `${examples[i].turns[0].content}x` }, examples[i].turns[1]],
    };
    return timed(view).ms;
  });
  return {
    backend: "core",
    what: `mask view, one keystroke: ${count} examples`,
    value: median(times),
    unit: "ms",
    note: `~${Math.round(tokensPerExample)} tokens each; median rebuild of the page's view after one character`,
  };
}
