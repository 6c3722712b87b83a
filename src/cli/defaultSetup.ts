// `--model default`: the page's bundled model with the page's defaults, so the CLI trains and
// answers exactly as a fresh playground does (same tokenizer, formatting, strategy, settings).
import { createReadStream, statSync } from "node:fs";
import { formatDatasetError } from "../core/dataset/collector";
import { readDataset } from "../core/dataset/read";
import { buildMaskView, type MaskView } from "../core/maskView";
import { prepareMasking } from "../core/masking/prepare";
import { DEFAULT_STATE, type TrainingSettings } from "../core/playgroundState";
import { chatPromptIds } from "../core/chat/chatPrompt";
import { flattenExamples } from "../core/flatExamples";
import { buildTrainingData, exampleCutLength, stopIdsOf, type TrainingData } from "../core/trainingData";
import type { ChatExample, Turn } from "../core/types";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import { presetTrainingRows, trainerExampleView, type TrainerChoice } from "../core/trainers/trainerView";
import { CliError } from "./cliError";

export const DEFAULT_MODEL_FLAG = "default";

/** The conversations of a dataset file and what the page trains on from them (masks, added tokens). */
export async function defaultTrainingData(
  file: string,
  tokenizer: PlaygroundTokenizer,
  settings: TrainingSettings,
  trainer: TrainerChoice | null = null,
): Promise<{ chats: ChatExample[]; data: TrainingData; view: MaskView }> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`${file}: cannot read the data file; check the --data path`);
  }
  const result = await readDataset({ name: file, size, bytes: createReadStream(file) });
  if (result.examples.length === 0) {
    const first = result.errors[0];
    throw new CliError(first ? formatDatasetError(result.fileName, first) : `${file}: no usable conversations`);
  }
  const view = buildMaskView(tokenizer, result.examples, DEFAULT_STATE.formatting, DEFAULT_STATE.masking);
  const rows = trainer ? presetRows(tokenizer, result.examples, trainer) : view.examples;
  const data = buildTrainingData(
    view.prepared,
    flattenExamples(rows),
    result.examples,
    { prompt: "", expected: "" },
    exampleCutLength(settings),
  );
  return { chats: result.examples, data, view };
}

/** `--trainer`: each conversation as the tool labels it (mask --trainer's ids and labels), less the rows it drops. */
function presetRows(tokenizer: PlaygroundTokenizer, chats: readonly ChatExample[], trainer: TrainerChoice) {
  const views = chats.map((chat, index) => trainerExampleView(tokenizer, chat, index, DEFAULT_STATE.formatting, trainer));
  const kept = presetTrainingRows(views, trainer.trainer);
  if ("error" in kept)
    throw new CliError(
      `--trainer ${trainer.trainer}: ${kept.error} Fix or remove that conversation in the data file, or train under another --trainer.`,
    );
  return kept.rows;
}

/**
 * A conversation that ends with the question (`--prompt`: one user turn), formatted as the page
 * formats its prompts (the holdout's, the chat's) by default; plus the stop ids.
 */
export function defaultPrompt(tokenizer: PlaygroundTokenizer, turns: readonly Turn[]): { inputIds: number[]; stopIds: number[] } {
  const prepared = prepareMasking(tokenizer, DEFAULT_STATE.formatting, DEFAULT_STATE.masking);
  return { inputIds: chatPromptIds(turns, prepared), stopIds: stopIdsOf(prepared) };
}
