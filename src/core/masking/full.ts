// The notebook's first run: every token is a label, so the prompt is learned as much as the answer.
export function fullLabels(inputIds: readonly number[]): number[] {
  return [...inputIds];
}
