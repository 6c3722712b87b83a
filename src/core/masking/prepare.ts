// Resolves the user's masking options against a tokenizer once (added tokens, marker ids, template
// ids, warnings that concern every example), so masking each example is cheap.
import { generationPrompt } from "../chat/chatTemplate";
import { NOTEBOOK_TEMPLATES } from "../chat/textFormat";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import type { Formatting, MaskingOptions, MaskWarning, StrategyName, TemplateSpec, TextTemplates } from "../types";
import type { MarkerTokens } from "./markers";
import { specialTokensResponseText, templateSpecialTokens } from "./specialTokens";

export interface PreparedMasking {
  strategy: StrategyName;
  formatting: Formatting;
  /** The tokenizer with every added special token. */
  tokenizer: PlaygroundTokenizer;
  /** Text templates in force (the notebook's when formatting by chat template). */
  templates: TextTemplates;
  /** Markers to insert into the text, or null when none are inserted. */
  insert: MarkerTokens | null;
  /** start is null when no start marker is inserted (an empty markerStart, outside the markers strategy). */
  markerIds: { start: number | null; end: number } | null;
  responseIds: number[] | null;
  instructionIds: number[] | null;
  /** Tokens added to the vocabulary, with their new ids. */
  addedTokens: Record<string, number>;
  warnings: MaskWarning[];
}

/**
 * An empty start marker: only the end marker goes in (what TRL 1.x does, EOS after each answer). The
 * markers strategy masks by its start marker, so there an empty one means BOS, as the form's empty box
 * does (and switching to markers from the bundled model's default just works).
 */
export const endMarkerOnly = (options: MaskingOptions) => options.markerStart === "" && options.strategy !== "markers";

function resolveMarkers(tokenizer: PlaygroundTokenizer, options: MaskingOptions, warnings: MaskWarning[]) {
  const endOnly = endMarkerOnly(options);
  const start = endOnly ? "" : options.markerStart || tokenizer.bosToken;
  const end = options.markerEnd ?? tokenizer.eosToken;
  const startId = start === null || endOnly ? null : tokenizer.tokenId(start);
  const endId = end === null ? null : tokenizer.tokenId(end);
  const problems: string[] = [];
  if (start === null) problems.push(`${tokenizer.name} has no BOS token to mark where an answer starts`);
  else if (startId === null && !endOnly) problems.push(`the start marker ${JSON.stringify(start)} is not one token of ${tokenizer.name}`);
  if (end === null) problems.push(`${tokenizer.name} has no EOS token to mark where an answer ends`);
  else if (endId === null) problems.push(`the end marker ${JSON.stringify(end)} is not one token of ${tokenizer.name}`);
  if (problems.length > 0 || start === null || end === null || endId === null) {
    warnings.push({
      code: "no-marker-tokens",
      message: `No markers inserted: ${problems.join("; ")}. Pick marker tokens that exist in the vocabulary (for Qwen, <|im_start|> and <|im_end|>).`,
    });
    return null;
  }
  return { tokens: { start, end }, ids: { start: startId, end: endId } };
}

function safeGenerationPrompt(tokenizer: PlaygroundTokenizer): string | null {
  try {
    return generationPrompt(tokenizer);
  } catch {
    return null; // a template that does not render is reported on each example
  }
}

function templateIds(tokenizer: PlaygroundTokenizer, spec: TemplateSpec): number[] {
  // TRL encodes a text template alone, without special tokens: exactly what breaks in context.
  return "ids" in spec ? [...spec.ids] : tokenizer.encode(spec.text, false);
}

export function prepareMasking(base: PlaygroundTokenizer, formatting: Formatting, options: MaskingOptions): PreparedMasking {
  const warnings: MaskWarning[] = [];
  const templates = formatting.kind === "text" ? formatting.templates : NOTEBOOK_TEMPLATES;
  const strategy = options.strategy;
  const extraTokens = [...options.addedSpecialTokens];
  if (strategy === "special-tokens") extraTokens.push(...templateSpecialTokens(templates));
  const tokenizer = base.withSpecialTokens(extraTokens);

  const wantsMarkers = strategy === "markers" || (options.insertMarkers && formatting.kind === "text" && strategy !== "chat-template");
  const markers = wantsMarkers ? resolveMarkers(tokenizer, options, warnings) : null;

  let responseIds: number[] | null = null;
  let instructionIds: number[] | null = null;
  if (strategy === "completion-only") {
    const chatFormatted = formatting.kind === "chat-template" && tokenizer.chatTemplate !== null;
    // Chat-formatted text has no "### Assistant:"; its own generation prompt marks each answer,
    // and TRL then needs no instruction template.
    const chatResponse = chatFormatted ? safeGenerationPrompt(tokenizer) : null;
    responseIds = templateIds(tokenizer, options.responseTemplate ?? { text: chatResponse ?? templates.response });
    const instruction = options.instructionTemplate ?? { text: chatResponse !== null ? "" : templates.instruction };
    instructionIds = "text" in instruction && instruction.text === "" ? null : templateIds(tokenizer, instruction);
  } else if (strategy === "special-tokens") {
    responseIds = tokenizer.encode(specialTokensResponseText(templates, markers?.tokens.start ?? null), false);
    instructionIds = templates.instruction ? tokenizer.encode(templates.instruction, false) : null;
  }

  if (
    (strategy === "completion-only" || strategy === "special-tokens") &&
    tokenizer.padId !== null &&
    tokenizer.padId === tokenizer.eosId
  ) {
    warnings.push({
      code: "pad-is-eos",
      message: `The pad token of ${tokenizer.name} is its EOS (id ${tokenizer.eosId}); the collator masks every pad id, so EOS is never learned and the model will not learn to stop. Set a distinct pad token.`,
    });
  }
  const addedTokens = Object.fromEntries(tokenizer.addedTokens);
  if (tokenizer.addedTokens.size > 0) {
    const list = [...tokenizer.addedTokens].map(([t, id]) => `${JSON.stringify(t)} = ${id}`).join(", ");
    warnings.push({
      code: "new-token-embeddings",
      message: `New tokens ${list}: their embedding rows are new and untrained, so the model needs more steps to learn them (the notebook needed twice as many). Training the new rows helps.`,
    });
  }
  if (strategy === "chat-template" && tokenizer.chatTemplate === null) {
    warnings.push({
      code: "chat-template-missing",
      message: `${tokenizer.name} has no chat template, so nothing can be masked by it; choose another strategy or load a tokenizer with a chat_template.`,
    });
  }
  return {
    strategy,
    formatting,
    tokenizer,
    templates,
    insert: markers?.tokens ?? null,
    markerIds: markers?.ids ?? null,
    responseIds,
    instructionIds,
    addedTokens,
    warnings,
  };
}
