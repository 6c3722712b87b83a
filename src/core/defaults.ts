// The playground's starting data: the notebook's five English→Spanish examples, its holdout, its
// text templates, and its masking options (the bundled tokenizer has BLOOM's <s> and </s>).
import { NOTEBOOK_TEMPLATES } from "./chat/textFormat";
import type { ChatExample, Formatting, MaskingOptions } from "./types";

export const NOTEBOOK_PAIRS: ReadonlyArray<readonly [english: string, spanish: string]> = [
  ["dog", "perro"],
  ["water", "agua"],
  ["mother", "madre"],
  ["hello", "hola"],
  ["tree", "árbol"],
];

export const notebookQuestion = (english: string) => `How do you say "${english}" in Spanish?`;

export const DEFAULT_EXAMPLES: ChatExample[] = NOTEBOOK_PAIRS.map(([en, es], i) => ({
  id: `ex-${i + 1}`,
  turns: [
    { role: "user", content: notebookQuestion(en) },
    { role: "assistant", content: es },
  ],
}));

/** The notebook's holdout prompt and the answer it hoped for. */
export const DEFAULT_HOLDOUT = { prompt: notebookQuestion("good"), expected: "bueno" };

export const DEFAULT_FORMATTING: Formatting = { kind: "text", templates: { ...NOTEBOOK_TEMPLATES } };

export const DEFAULT_MASKING: MaskingOptions = {
  // The notebook's first fix: the first screen shows both trained and masked tokens.
  strategy: "markers",
  // The notebook marks answers with BOS/EOS: `<s>` here as in bloom-560m; the end marker null means
  // "the tokenizer's EOS" (`</s>`).
  markerStart: "<s>",
  markerEnd: null,
  // Every run in the notebook trained on the marker-transformed text, so the markers are on by default.
  insertMarkers: true,
  // null: use the formatting's own templates (the notebook's `\n\n### Assistant:` / `\n\n### Human:`).
  responseTemplate: null,
  instructionTemplate: null,
  addedSpecialTokens: [],
};
