// "As trained by" trains what it shows: a run under a trainer preset gets exactly the ids and labels
// the mask view shows for that tool (its cached view), without the rows the tool drops, and answers
// its prompts in the format the tool trained on (the chat template's generation prompt, unless the
// rows are the formatting's plain text).
import type { MaskView } from "../core/maskView";
import type { PreparedMasking } from "../core/masking/prepare";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import { presetTrainingRows, trainerInfo, type TrainerChoice } from "../core/trainers/trainerView";
import type { ChatExample, Formatting, MaskingOptions } from "../core/types";
import { computeMaskView, computeTrainerView } from "../store/maskViewMemo";

export interface PresetTraining {
  /** The tool, as the user names it. */
  label: string;
  rows: MaskView["examples"];
  view: MaskView;
  /** The settings the run's prompts and stop ids come from. */
  prompting: PreparedMasking;
}

export function presetTraining(
  tokenizer: PlaygroundTokenizer,
  setup: { examples: ChatExample[]; formatting: Formatting; masking: MaskingOptions },
  choice: TrainerChoice,
  tokenizedInWorker: boolean,
): PresetTraining | { error: string } {
  const { label } = trainerInfo(choice.trainer);
  if (tokenizedInWorker)
    return {
      error: `"As trained by ${label}" labels each example on the page, which this long list is too long for; train with a masking strategy (As trained by: none), or load fewer examples.`,
    };
  const tv = computeTrainerView(tokenizer, setup.examples, setup.formatting, setup.masking, choice);
  if (!tv.ok) return { error: `${label} refuses these settings before reading any data: ${tv.error}` };
  const kept = presetTrainingRows(tv.view.examples, choice.trainer);
  if ("error" in kept) return { error: `${kept.error} Fix or remove that example, or pick another tool under "As trained by".` };
  // Nothing a strategy adds (markers, special tokens) applies to a tool; the prompt is the tool's format.
  const formatting: Formatting = choice.row !== "text" && tokenizer.chatTemplate !== null ? { kind: "chat-template" } : setup.formatting;
  const plain = { ...setup.masking, strategy: "full" as const, insertMarkers: false, addedSpecialTokens: [] };
  const prompts = computeMaskView(tokenizer, [], formatting, plain);
  if (!prompts.ok) return { error: `The prompts cannot be formatted for ${label}: ${prompts.error}` };
  return { label, rows: kept.rows, view: tv.view, prompting: prompts.view.prepared };
}
