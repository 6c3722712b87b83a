// The notebook's last fix: make the text templates special tokens, so they tokenize to one id each
// whatever precedes them, then mask as TRL's completion-only collator does. The new ids get fresh
// embedding rows that the model has never trained (why the notebook needed twice the steps).
import type { TextTemplates } from "../types";

/** Tokens to add for the `special-tokens` strategy: both text templates. */
export function templateSpecialTokens(templates: TextTemplates): string[] {
  return [templates.instruction, templates.response].filter((t) => t.length > 0);
}

/**
 * The response template the notebook used with its special tokens: the response template followed
 * by the start marker when markers are in the text ("we don't really need to learn that it should
 * always be after the base response template").
 */
export function specialTokensResponseText(templates: TextTemplates, startMarker: string | null): string {
  return templates.response + (startMarker ?? "");
}
