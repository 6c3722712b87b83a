// The notebook's experiments as data: each one the masking (and, for multi-turn, the examples) of a
// section of seed/finetuning-notebook.txt, applied to whatever examples and model the playground has.
// The replay runs them in this order on the same settings; the first is the baseline for "% time".
import { NOTEBOOK_TEMPLATES } from "../chat/textFormat";
import type { ChatExample, Formatting, MaskingOptions, StrategyName } from "../types";

export const EXPERIMENT_IDS = ["full", "markers", "completion-markers", "completion-text", "special-tokens", "multi-turn"] as const;
export type ExperimentId = (typeof EXPERIMENT_IDS)[number];

export interface Experiment {
  id: ExperimentId;
  title: string;
  /** Where in the notebook, and what it did there. */
  notebook: string;
}

export const EXPERIMENTS: readonly Experiment[] = [
  {
    id: "full",
    title: "Full: labels = input_ids",
    notebook: "In [6]–[21]: labels copied from input_ids; 30 epochs to learn, the prompt learned too",
  },
  { id: "markers", title: "Markers (EOS/BOS span mask)", notebook: "In [22]–[30]: create_special_mask; 15 epochs, 13% faster" },
  {
    id: "completion-markers",
    title: "TRL collator, markers as templates",
    notebook: "In [32]–[41]: DataCollatorForCompletionOnlyLM(instruction=EOS, response=BOS): EOS masked, learned by luck",
  },
  {
    id: "completion-text",
    title: "TRL collator, text templates",
    notebook: 'In [42]–[47]: response template "\\n\\n### Assistant:" not found in context: every label -100',
  },
  { id: "special-tokens", title: "Templates as special tokens", notebook: "In [50]–[58]: new embedding rows, slower to learn" },
  { id: "multi-turn", title: "Multi-turn (two conversations per example)", notebook: "In [59]–[67]: concatenated examples, markers mask" },
];

/** What the replay starts from: the playground's examples and masking, and the marker texts in force. */
export interface ReplayBase {
  examples: ChatExample[];
  formatting: Formatting;
  masking: MaskingOptions;
  /** The start / end marker texts the markers strategy inserts (BOS / EOS in the notebook). */
  markers: { start: string; end: string };
}

/** The notebook's multi-turn data: consecutive examples concatenated in pairs, the last one alone if odd. */
export function pairedExamples(examples: readonly ChatExample[]): ChatExample[] {
  const out: ChatExample[] = [];
  for (let i = 0; i < examples.length; i += 2) {
    const pair = examples.slice(i, i + 2);
    out.push({ id: pair.map((e) => e.id).join("+"), turns: pair.flatMap((e) => e.turns) });
  }
  return out;
}

/** The strategy each experiment masks with (multi-turn: markers, on the paired examples). */
const STRATEGY: Record<ExperimentId, StrategyName> = {
  full: "full",
  markers: "markers",
  "completion-markers": "completion-only",
  "completion-text": "completion-only",
  "special-tokens": "special-tokens",
  "multi-turn": "markers",
};

/** The examples, formatting and masking an experiment trains with. */
export function experimentSetup(
  id: ExperimentId,
  base: ReplayBase,
): { examples: ChatExample[]; formatting: Formatting; masking: MaskingOptions } {
  // The notebook formats text with its templates; a chat-template playground is replayed with them.
  const formatting: Formatting = base.formatting.kind === "text" ? base.formatting : { kind: "text", templates: { ...NOTEBOOK_TEMPLATES } };
  // Every run in the notebook trained on the marker-transformed text (add_special_tokens, In [5]).
  // completion-markers: the collator's templates are the markers; completion-text: null templates, the
  // formatting's own, tokenized alone as TRL does.
  const templates =
    id === "completion-markers"
      ? { responseTemplate: { text: base.markers.start }, instructionTemplate: { text: base.markers.end } }
      : { responseTemplate: null, instructionTemplate: null };
  return {
    examples: id === "multi-turn" ? pairedExamples(base.examples) : base.examples,
    formatting,
    masking: { ...base.masking, insertMarkers: true, strategy: STRATEGY[id], ...templates },
  };
}
