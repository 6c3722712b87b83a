// The notebook's first masking fix: mark turns with BOS/EOS in the text, then mask by those markers.
// `insertMarkers` is the notebook's `add_special_tokens()` text transform; `markersMask` is its
// `create_special_mask()`.
import { IGNORE_INDEX, type TextTemplates } from "../types";

export interface MarkerTokens {
  /** Put after each response template (the notebook uses BOS `<s>`). */
  start: string;
  /** Put before each instruction template and at the end (the notebook uses EOS `</s>`). */
  end: string;
}

/** EOS before every instruction template, BOS after every response template, EOS at the end, no leading EOS. */
export function insertMarkers(text: string, templates: TextTemplates, markers: MarkerTokens): string {
  // Python's str.replace on every occurrence; an empty template matches nothing here.
  const replaceAll = (s: string, find: string, by: string) => (find ? s.split(find).join(by) : s);
  let out = replaceAll(text, templates.instruction, markers.end + templates.instruction);
  out = replaceAll(out, templates.response, templates.response + markers.start);
  if (!out.endsWith(markers.end)) out += markers.end;
  while (markers.end.length > 0 && out.startsWith(markers.end)) out = out.slice(markers.end.length);
  return out;
}

/**
 * Masks everything from the start through each start marker (inclusive); trains the assistant text
 * and the end marker that closes it. Like the notebook, it assumes the text begins with a human turn.
 */
export function markersMask(inputIds: readonly number[], startId: number, endId: number): number[] {
  let human = true;
  return inputIds.map((id) => {
    if (human) {
      if (id === startId) human = false;
      return IGNORE_INDEX;
    }
    if (id === endId) human = true;
    return id;
  });
}
