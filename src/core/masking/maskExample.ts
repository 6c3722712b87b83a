// One example through formatting, tokenization and the chosen strategy's labels.
import { renderChat, templateHasToolSection } from "../chat/chatTemplate";
import { formatText, turnBody } from "../chat/textFormat";
import { IGNORE_INDEX, type ChatExample, type MaskedExample, type MaskWarning, type StrategyName, type Turn } from "../types";
import { chatTemplateMask } from "./chatTemplateMask";
import { completionOnlyLabels } from "./completionOnly";
import { fullLabels } from "./full";
import { insertMarkers, markersMask } from "./markers";
import type { PreparedMasking } from "./prepare";
import { diagnoseTemplate, explainMismatch } from "./templateDiagnosis";
import { applyTurnFlags } from "./turnFlags";

export interface MaskedExampleWithText extends MaskedExample {
  /** The text that was tokenized (after formatting and markers). */
  text: string;
}

function notFoundWarning(
  prepared: PreparedMasking,
  inputIds: number[],
  exampleNumber: number,
  which: "response" | "instruction",
): MaskWarning {
  const ids = (which === "response" ? prepared.responseIds : prepared.instructionIds) ?? [];
  const mismatch = diagnoseTemplate(prepared.tokenizer, inputIds, ids, which);
  const text = JSON.stringify(prepared.tokenizer.decode(ids));
  return {
    code: which === "response" ? "template-not-found" : "instruction-template-not-found",
    template: which,
    mismatch,
    message:
      `Example ${exampleNumber}: the ${which} template ${text} (ids ${ids.join(", ")}) was not found, so the whole example is masked (-100) and teaches nothing.` +
      explainMismatch(prepared.tokenizer, mismatch),
  };
}

function templateLabels(inputIds: number[], prepared: PreparedMasking, exampleNumber: number) {
  const warnings: MaskWarning[] = [];
  const result = completionOnlyLabels(inputIds, prepared.responseIds ?? [], prepared.instructionIds, prepared.tokenizer.padId);
  if (!result.responseFound) warnings.push(notFoundWarning(prepared, inputIds, exampleNumber, "response"));
  if (result.instructionFound === false) warnings.push(notFoundWarning(prepared, inputIds, exampleNumber, "instruction"));
  return { labels: result.labels, warnings };
}

/** Each text strategy's labels for the tokenized text, and its warnings. */
const STRATEGY_LABELS: Record<
  StrategyName,
  (inputIds: number[], prepared: PreparedMasking, exampleNumber: number) => { labels: number[]; warnings: MaskWarning[] }
> = {
  full: (inputIds) => ({ labels: fullLabels(inputIds), warnings: [] }),
  markers: (inputIds, { markerIds }) => ({
    labels: markerIds?.start != null ? markersMask(inputIds, markerIds.start, markerIds.end) : inputIds.map(() => IGNORE_INDEX),
    warnings: [],
  }),
  "chat-template": () => {
    throw new Error("chat-template masking needs a conversation (role/content turns), not formatted text");
  },
  "completion-only": templateLabels,
  "special-tokens": templateLabels,
};

/**
 * Labels for already formatted text under a text-based strategy (everything but chat-template).
 * Tokenized as `tokenizer(text)` is in the notebook and TRL, so a post-processor's BOS is included.
 */
export function maskText(text: string, prepared: PreparedMasking, exampleNumber: number): MaskedExampleWithText {
  return withNothingTrainedWarning(strategyLabels(text, prepared, exampleNumber), prepared, exampleNumber);
}

/** maskText before its "teaches nothing" check, which a conversation makes after its per-message flags. */
function strategyLabels(text: string, prepared: PreparedMasking, exampleNumber: number): MaskedExampleWithText {
  const { tokenizer } = prepared;
  const marked = prepared.insert ? insertMarkers(text, prepared.templates, prepared.insert) : text;
  const inputIds = tokenizer.encode(marked, true);
  const { labels, warnings } = STRATEGY_LABELS[prepared.strategy](inputIds, prepared, exampleNumber);
  return { text: marked, inputIds, labels, tokens: tokenStrings(prepared, inputIds), warnings };
}

function tokenStrings(prepared: PreparedMasking, ids: readonly number[]): string[] {
  return ids.map((id) => prepared.tokenizer.tokenString(id));
}

function withNothingTrainedWarning(r: MaskedExampleWithText, prepared: PreparedMasking, exampleNumber: number): MaskedExampleWithText {
  if (r.warnings.length === 0 && r.labels.every((l) => l === IGNORE_INDEX)) {
    r.warnings.push({
      code: "no-trained-tokens",
      message: `Example ${exampleNumber}: every label is -100, so this example teaches nothing under "${prepared.strategy}".`,
    });
  }
  return r;
}

function maskByChatTemplate(example: ChatExample, prepared: PreparedMasking, exampleNumber: number): MaskedExampleWithText {
  const { tokenizer } = prepared;
  if (tokenizer.chatTemplate === null) {
    // prepare() already warned; show the text tokens, all masked.
    const text = formatText(example, prepared.templates);
    const inputIds = tokenizer.encode(text, true);
    return { text, inputIds, labels: inputIds.map(() => IGNORE_INDEX), tokens: tokenStrings(prepared, inputIds), warnings: [] };
  }
  const r = chatTemplateMask(tokenizer, example.turns, example.tools);
  const warnings: MaskWarning[] = toolWarnings(example, prepared, exampleNumber);
  if (r.prefixMismatch) {
    warnings.push({
      code: "chat-template-prefix-mismatch",
      message: `Example ${exampleNumber}: the chat template renders a conversation prefix differently from the whole conversation, so the assistant spans are approximate.`,
    });
  }
  const masked = { text: r.text, inputIds: r.inputIds, labels: r.labels, tokens: tokenStrings(prepared, r.inputIds), warnings };
  return withTurnFlags(example, masked, prepared, exampleNumber, (t) => t.content, r.spans);
}

/** Tool use rendered by a chat template that has no place for it: say so, and what to do. */
function toolWarnings(example: ChatExample, prepared: PreparedMasking, exampleNumber: number): MaskWarning[] {
  const usesTools = (example.tools?.length ?? 0) > 0 || example.turns.some((t) => t.role === "tool" || (t.toolCalls?.length ?? 0) > 0);
  if (!usesTools || templateHasToolSection(prepared.tokenizer)) return [];
  return [
    {
      code: "chat-template-no-tools",
      message: `Example ${exampleNumber}: ${prepared.tokenizer.name}'s chat template has no tools section, so it renders this conversation's tool calls and results as plain turns or leaves them out. Pick a model whose template supports tools (Qwen2.5, Qwen3, SmolLM3, Llama 3.1), or format with the text templates, which write calls as <tool_call> blocks.`,
    },
  ];
}

/** `exampleNumber` is 1-based, as the user counts, and only used in messages. */
export function maskExample(example: ChatExample, prepared: PreparedMasking, exampleNumber: number): MaskedExampleWithText {
  if (prepared.strategy === "chat-template") return maskByChatTemplate(example, prepared, exampleNumber);
  // Chat-template text under a text strategy: markers are a text-template notion, so none are inserted.
  const chatText = prepared.formatting.kind === "chat-template";
  const text = chatText ? renderChat(prepared.tokenizer, example.turns, false, example.tools) : formatText(example, prepared.templates);
  const labelled = strategyLabels(text, chatText ? { ...prepared, insert: null } : prepared, exampleNumber);
  const r = withTurnFlags(example, labelled, prepared, exampleNumber, chatText ? (t) => t.content : turnBody);
  return chatText ? { ...r, warnings: [...toolWarnings(example, prepared, exampleNumber), ...r.warnings] } : r;
}

/**
 * A strategy's labels with the data's per-message flags applied, then the "teaches nothing" check on
 * what is trained after them; the flags' own warnings come last. `assistantSpans`: a chat template's.
 */
function withTurnFlags(
  example: ChatExample,
  r: MaskedExampleWithText,
  prepared: PreparedMasking,
  exampleNumber: number,
  bodyOf: (t: Turn) => string,
  assistantSpans?: ReadonlyArray<readonly [number, number]>,
): MaskedExampleWithText {
  const flagWarnings = applyTurnFlags(
    { turns: example.turns, inputIds: r.inputIds, labels: r.labels, tokenizer: prepared.tokenizer, bodyOf, assistantSpans },
    exampleNumber,
  );
  const checked = withNothingTrainedWarning(r, prepared, exampleNumber);
  return { ...checked, warnings: [...checked.warnings, ...flagWarnings] };
}
