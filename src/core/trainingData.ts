// From the mask view to what the training worker needs: masked examples (truncated to
// max_seq_length), the prompts to answer while training (each example's last question, as the
// notebook's predict_training_set, for five examples spread over a bigger set; and the holdout, as
// its sample_generate), and the stop ids.
import { answeredPromptIndexes } from "./stepPlan";
import { renderChat } from "./chat/chatTemplate";
import { formatText } from "./chat/textFormat";
import { insertMarkers } from "./masking/markers";
import { cutExamples, flatCount, flatLength, unflattenExamples, type FlatExamples } from "./flatExamples";
import type { PreparedMasking } from "./masking/prepare";
import type { EvalPrompt, TrainExample } from "./protocol";
import type { TrainingSettings } from "./settings/trainingSettings";
import type { ChatExample, Turn } from "./types";

export interface PromptCase {
  kind: EvalPrompt["kind"];
  /** Shown to the user: the question. */
  question: string;
  expected: string;
  text: string;
  inputIds: number[];
}

export type TrainingData = ReturnType<typeof buildTrainingData>;

/** Ids that end an answer: the tokenizer's EOS and the end marker when markers are in the text. */
export function stopIdsOf(prepared: PreparedMasking): number[] {
  const ids = [prepared.tokenizer.eosId, prepared.markerIds?.end];
  return [...new Set(ids.filter((id): id is number => typeof id === "number"))];
}

/**
 * The text a model is given to produce the last answer of `turns` (which must end with the question),
 * ending exactly where the training render continues with the answer: under a chat template, with
 * enable_thinking off unless the page turns it on (Qwen3's empty think block precedes every trained answer).
 */
export function promptText(questionTurns: readonly Turn[], prepared: PreparedMasking): string {
  if (prepared.formatting.kind === "chat-template" || prepared.strategy === "chat-template") {
    const enableThinking = prepared.formatting.kind === "chat-template" ? (prepared.formatting.enableThinking ?? false) : false;
    return renderChat(prepared.tokenizer, questionTurns, true, undefined, { enableThinking });
  }
  const text = formatText({ id: "prompt", turns: [...questionTurns] }, prepared.templates) + prepared.templates.response;
  if (!prepared.insert) return text;
  // The transform appends the end marker to a finished conversation; a prompt is not finished.
  const marked = insertMarkers(text, prepared.templates, prepared.insert);
  return marked.endsWith(prepared.insert.end) ? marked.slice(0, -prepared.insert.end.length) : marked;
}

/** A prompt's ids: a chat template's text carries its own special tokens, so the tokenizer adds none. */
export function encodePrompt(text: string, prepared: PreparedMasking): number[] {
  return prepared.tokenizer.encode(text, prepared.strategy !== "chat-template");
}

function lastQuestion(example: ChatExample): { turns: Turn[]; question: string; expected: string } | null {
  const lastAnswer = example.turns.map((t) => t.role).lastIndexOf("assistant");
  if (lastAnswer < 1) return null;
  const turns = example.turns.slice(0, lastAnswer);
  const question = [...turns].reverse().find((t) => t.role === "user")?.content ?? "";
  return { turns, question, expected: example.turns[lastAnswer].content };
}

/**
 * The length each example is cut to before training: max_seq_length, but not under wrapped packing,
 * which cuts the concatenated examples into rows instead (SFTTrainer skips its truncation when packing;
 * bfd cuts each example to the same length itself, so cutting here first changes nothing).
 */
export function exampleCutLength(settings: Pick<TrainingSettings, "maxSeqLength" | "packing">): number {
  return settings.packing === "wrapped" ? Number.POSITIVE_INFINITY : settings.maxSeqLength;
}

/**
 * `tokens`: every example of `examples` tokenized and masked under `prepared`, uncut (the mask view's,
 * or the dataset worker's for a long list).
 */
export function buildTrainingData(
  prepared: PreparedMasking,
  tokens: FlatExamples,
  examples: readonly ChatExample[],
  holdout: { prompt: string; expected: string },
  maxSeqLength: number,
) {
  const tok = prepared.tokenizer;
  const truncated: number[] = [];
  for (let k = 0; k < flatCount(tokens); k++) if (flatLength(tokens, k) > maxSeqLength) truncated.push(k + 1);
  const flat = cutExamples(tokens, maxSeqLength);
  let unflat: TrainExample[] | null = null;
  const prompt = (kind: PromptCase["kind"], turns: Turn[], question: string, expected: string): PromptCase => {
    const text = promptText(turns, prepared);
    return { kind, question, expected, text, inputIds: encodePrompt(text, prepared) };
  };
  const prompts: PromptCase[] = [];
  for (const i of answeredPromptIndexes(examples.length)) {
    const q = lastQuestion(examples[i]);
    if (q) prompts.push(prompt("train", q.turns, q.question, q.expected));
  }
  if (holdout.prompt.trim()) {
    prompts.push(prompt("holdout", [{ role: "user", content: holdout.prompt }], holdout.prompt, holdout.expected));
  }
  return {
    // The examples as trained (cut to max_seq_length), one after another: what the training worker gets.
    flat,
    // The same, an array per example (exports, the CLI); made on first use, as a long list's take a while.
    get examples() {
      return (unflat ??= unflattenExamples(flat));
    },
    prompts,
    stopIds: stopIdsOf(prepared),
    newTokenIds: Object.values(prepared.addedTokens),
    // len(tokenizer) including added tokens: the model's embedding must have this many rows.
    vocabSize: tok.vocabSize,
    // Examples cut to max_seq_length, by 1-based number.
    truncated,
  };
}

/** Whether a generated answer is the expected one: decoded, stop tokens removed, spaces trimmed. */
export function answerMatches(generated: string, expected: string): boolean {
  return generated.trim() === expected.trim();
}
