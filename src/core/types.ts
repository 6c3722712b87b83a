// Shared data types of the playground core: conversations, formatting and label masks.
// Pure data, no behaviour: the UI, the CLI and the engine all speak these.

/** The label value that tells a causal-LM loss to ignore a position (PyTorch's ignore_index). */
export const IGNORE_INDEX = -100;

/** Who speaks a turn. "tool" is a tool's result, read by the model, never trained by default. */
export const ROLES = ["system", "user", "assistant", "tool"] as const;
export type Role = (typeof ROLES)[number];

/** A function an assistant turn calls (OpenAI's and Hugging Face's `tool_calls[i].function`). */
export interface ToolCall {
  name: string;
  /** The arguments object; a string only where the data's JSON string did not parse. */
  arguments: Record<string, unknown> | string;
  /** The call's id (OpenAI), which a tool turn's `toolCallId` answers. */
  id?: string;
}

export interface Turn {
  role: Role;
  content: string;
  /** Assistant turns: the calls it makes. They are the assistant's tokens, trained with it. */
  toolCalls?: ToolCall[];
  /** Tool turns: the function whose result this is, and the call it answers. */
  name?: string;
  toolCallId?: string;
  /**
   * The data's own say on training this turn (LLaMA-Factory's `loss_weight`, axolotl's `train` /
   * `weight`): false masks it, true trains it, absent leaves it to the strategy.
   */
  train?: boolean;
}

/**
 * One training conversation: an optional system turn, then user/assistant turns; an assistant turn
 * with tool calls is followed by the tools' results before the assistant speaks again.
 */
export interface ChatExample {
  id: string;
  turns: Turn[];
  /** The tools offered to the model (JSON-schema function descriptions), for the chat template's tools section. */
  tools?: Array<Record<string, unknown>>;
}

/** The notebook's plain-text format: each user turn follows `instruction`, each answer `response`. */
export interface TextTemplates {
  /** Text put before every user turn (the notebook's `\n\n### Human:`). */
  instruction: string;
  /** Text put before every assistant turn (the notebook's `\n\n### Assistant:`). */
  response: string;
}

/** How conversations become text: the notebook's text templates, or the tokenizer's chat template. */
export type Formatting =
  | { kind: "text"; templates: TextTemplates }
  /** enableThinking: the template's enable_thinking for generation prompts (absent = false, see TemplateSwitches). */
  | { kind: "chat-template"; enableThinking?: boolean };

/** The masking strategies, in the notebook's order (the UI lists them so). */
export const STRATEGIES = ["full", "markers", "completion-only", "special-tokens", "chat-template"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** A template given either as text (tokenized alone, as TRL does) or as explicit token ids. */
export type TemplateSpec = { text: string } | { ids: number[] };

export interface MaskingOptions {
  strategy: StrategyName;
  /** Marker tokens for `markers` (default: the tokenizer's BOS / EOS). */
  markerStart: string | null;
  markerEnd: string | null;
  /** Apply the notebook's marker text transform before tokenizing (implied by `markers`). */
  insertMarkers: boolean;
  /** Templates for `completion-only` / `special-tokens`; null instruction = response template only. */
  responseTemplate: TemplateSpec | null;
  instructionTemplate: TemplateSpec | null;
  /** Extra special tokens added to the tokenizer before anything is tokenized. */
  addedSpecialTokens: string[];
}

export type WarningCode =
  | "template-not-found"
  | "instruction-template-not-found"
  | "pad-is-eos"
  | "no-marker-tokens"
  | "new-token-embeddings"
  | "no-trained-tokens"
  | "chat-template-missing"
  | "chat-template-prefix-mismatch"
  | "chat-template-no-tools"
  | "turn-flag-not-applied"
  // Trainer presets (src/core/trainers): what a real tool does with the example, and why.
  | "trainer-error"
  | "trainer-row-dropped"
  | "trainer-template-swapped"
  | "trainer-stop-token-untrained"
  | "trainer-prefix-mismatch"
  | "trainer-late-turn-span"
  | "trainer-option-ignored"
  | "trainer-markers-detected"
  | "trainer-tool-result-trained"
  | "trainer-tool-text-dropped";

/** A tokenized template next to the same text as it was tokenized inside the example. */
export interface TemplateMismatch {
  /** The template tokenized alone. */
  alone: { ids: number[]; tokens: string[] };
  /** Token positions in the example that cover the template text (where it really sits). */
  inContext: { start: number; ids: number[]; tokens: string[] };
  /** Positions (into inContext.ids) of tokens that merged template text with their neighbours. */
  mergedPositions: number[];
}

export interface MaskWarning {
  code: WarningCode;
  message: string;
  /** Which template this warning is about, when it is about one. */
  template?: "response" | "instruction";
  mismatch?: TemplateMismatch;
}

/** A tokenized, masked example: what the mask view shows, the worker trains on and the export writes. */
export interface TrainExample {
  inputIds: number[];
  /** Same length as inputIds; IGNORE_INDEX where the loss ignores the position. */
  labels: number[];
}

/** The result of tokenizing and masking one example. */
export interface MaskedExample extends TrainExample {
  /** The vocabulary string of each token (e.g. `ĊĊ`, `▁per`). */
  tokens: string[];
  warnings: MaskWarning[];
}
