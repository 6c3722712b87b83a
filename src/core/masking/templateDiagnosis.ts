// Why a template was not found: the template tokenized alone next to the tokens that really cover
// the same text inside the example, with the tokens that merged template text with a neighbour
// (the notebook's `?\n\n` = 7076 where the template alone starts with `\n\n` = 603).
import { tokenOffsets, tokensCovering } from "../tokenizer/charOffsets";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import type { TemplateMismatch } from "../types";

export function diagnoseTemplate(
  tokenizer: PlaygroundTokenizer,
  inputIds: readonly number[],
  templateIds: readonly number[],
  which: "response" | "instruction",
): TemplateMismatch | undefined {
  const templateText = tokenizer.decode(templateIds);
  const alone = { ids: [...templateIds], tokens: templateIds.map((id) => tokenizer.tokenString(id)) };
  if (templateText.length === 0) return undefined;
  const offsets = tokenOffsets(tokenizer, inputIds);
  // TRL keeps the last response match and every instruction match; show the one it would have used.
  const at = which === "response" ? offsets.text.lastIndexOf(templateText) : offsets.text.indexOf(templateText);
  if (at < 0) return { alone, inContext: { start: -1, ids: [], tokens: [] }, mergedPositions: [] };
  const end = at + templateText.length;
  const covering = tokensCovering(offsets, at, end);
  const ids = covering.map((k) => inputIds[k]);
  const mergedPositions = covering
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => offsets.starts[k] < at || offsets.starts[k + 1] > end)
    .map(({ i }) => i);
  return {
    alone,
    inContext: { start: covering[0] ?? -1, ids, tokens: ids.map((id) => tokenizer.tokenString(id)) },
    mergedPositions,
  };
}

/** One sentence for the user: what merged, and what to do about it. */
export function explainMismatch(tokenizer: PlaygroundTokenizer, mismatch: TemplateMismatch | undefined): string {
  if (!mismatch) return "";
  if (mismatch.inContext.start < 0) {
    return " The template text does not occur in this example at all; check the formatting templates.";
  }
  const shown = (ids: number[]) => ids.map((id) => JSON.stringify(tokenizer.decode([id]))).join(" ");
  const merged = mismatch.mergedPositions.map((i) => mismatch.inContext.ids[i]);
  if (merged.length > 0) {
    return (
      ` The text is there, but in context the tokenizer merged it with its neighbours: ${shown(merged)}` +
      ` (id ${merged.join(", ")}) instead of the template's own ${shown(mismatch.alone.ids.slice(0, 1))}` +
      ` (id ${mismatch.alone.ids[0]}). Add the template as a special token (the "special tokens" strategy),` +
      " or give the template as the ids it has in context."
    );
  }
  return (
    ` The text is there, but tokenized alone it becomes different ids (${mismatch.alone.ids.join(", ")}) from those in` +
    ` context (${mismatch.inContext.ids.join(", ")}). Give the template as the ids it has in context,` +
    ' or use the "special tokens" strategy.'
  );
}
