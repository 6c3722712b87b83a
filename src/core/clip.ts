// Echoing what came from outside into a message: enough to recognise it, never the whole of it (a
// 200,000-digit version number was once repeated whole in an error).

export const MAX_ECHO_CHARS = 80;

/** `text` cut to `max` characters with "…" when longer; a surrogate pair is never split. */
export function clip(text: string, max = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end--;
  return `${text.slice(0, end)}…`;
}
