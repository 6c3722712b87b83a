// What a trainer preset takes and returns. The input is a dataset row as the tools read it (a
// message list, or TRL's prompt-completion forms); the output is the MaskedExample every masking
// strategy returns, plus what the tool does with the row.
import type { TemplateMessage, Tools } from "../chat/chatTemplate";
import type { MaskedExample } from "../types";

/**
 * A dataset row in the three shapes TRL documents (docs/source/dataset_formats.md): conversational
 * language modeling (`messages`), conversational prompt-completion, and standard (plain text)
 * prompt-completion. The other tools take a message list; a conversational prompt-completion row is
 * read by them as its prompt followed by its completion.
 */
export type TrainerInput =
  | { kind: "messages"; messages: TemplateMessage[]; tools?: Tools }
  | { kind: "prompt-completion"; prompt: TemplateMessage[]; completion: TemplateMessage[]; tools?: Tools }
  // A plain-text row has its tools in its text.
  | { kind: "text-prompt-completion"; prompt: string; completion: string };

/** The tools a row offers, or none. */
export function inputTools(input: TrainerInput): Tools {
  return input.kind === "text-prompt-completion" || !input.tools || input.tools.length === 0 ? undefined : input.tools;
}

/**
 * kept: the row trains as labelled (possibly on nothing, when the tool keeps such rows);
 * dropped: the tool removes the row before training (no trained token); error: the tool stops
 * training with the error given in the warnings.
 */
export type TrainerOutcome = "kept" | "dropped" | "error";

export interface TrainerExample extends MaskedExample {
  outcome: TrainerOutcome;
}

/** A misconfiguration the tool rejects before reading any data (bad option value, incompatible options). */
export class TrainerOptionError extends Error {
  override name = "TrainerOptionError";
}

/** The message list a tool that only reads conversations sees for a row. */
export function inputMessages(input: TrainerInput, tool: string): TemplateMessage[] {
  switch (input.kind) {
    case "messages":
      return input.messages;
    case "prompt-completion":
      return [...input.prompt, ...input.completion];
    case "text-prompt-completion":
      throw new TrainerOptionError(
        `${tool} reads conversations (a list of {role, content} messages); a plain-text prompt/completion row is TRL's format only.`,
      );
    default: {
      const _exhaustive: never = input;
      throw new Error(`unknown input ${String(_exhaustive)}`);
    }
  }
}
