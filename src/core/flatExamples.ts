// Training examples one after another in three typed arrays: how a run's examples cross to the
// training worker. 52,000 examples as arrays of numbers took ~250 ms to serialise on the page and
// twice that to read back (a long task either side); as three buffers they cost a copy.
import type { TrainExample } from "./types";

export interface FlatExamples {
  /** Example k is positions [offsets[k], offsets[k + 1]) of `inputIds` and `labels`. */
  inputIds: Int32Array<ArrayBuffer>;
  labels: Int32Array<ArrayBuffer>;
  offsets: Int32Array<ArrayBuffer>;
}

/** What can be flattened: an example's ids and labels as arrays or typed-array views. */
export interface ExampleRows {
  inputIds: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export function flattenExamples(rows: readonly ExampleRows[]): FlatExamples {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, k) => (offsets[k + 1] = offsets[k] + r.inputIds.length));
  const inputIds = new Int32Array(offsets[rows.length]);
  const labels = new Int32Array(offsets[rows.length]);
  rows.forEach((r, k) => {
    inputIds.set(r.inputIds, offsets[k]);
    labels.set(r.labels, offsets[k]);
  });
  return { inputIds, labels, offsets };
}

export const flatCount = (flat: FlatExamples) => flat.offsets.length - 1;
export const flatLength = (flat: FlatExamples, k: number) => flat.offsets[k + 1] - flat.offsets[k];

/** Each example's first `maxLength` positions (the trainers truncate from the right); `flat` itself when none is longer. */
export function cutExamples(flat: FlatExamples, maxLength: number): FlatExamples {
  const count = flatCount(flat);
  const offsets = new Int32Array(count + 1);
  for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k] + Math.min(flatLength(flat, k), maxLength);
  if (offsets[count] === flat.inputIds.length) return flat;
  const inputIds = new Int32Array(offsets[count]);
  const labels = new Int32Array(offsets[count]);
  // Examples the cut leaves whole lie together in both: copied a run at a time, not one by one.
  for (let k = 0; k < count;) {
    let end = k + 1;
    while (end < count && flatLength(flat, end - 1) <= maxLength) end++;
    const from = flat.offsets[k];
    const to = from + offsets[end] - offsets[k];
    inputIds.set(flat.inputIds.subarray(from, to), offsets[k]);
    labels.set(flat.labels.subarray(from, to), offsets[k]);
    k = end;
  }
  return { inputIds, labels, offsets };
}

/** One array per example again (in the worker, or for an export of the examples as trained). */
export function unflattenExamples(flat: FlatExamples): TrainExample[] {
  return flatRows(flat).map((r) => ({ inputIds: Array.from(r.inputIds), labels: Array.from(r.labels) }));
}

/** Each example of `flat` as views into its arrays (no copies). */
export function flatRows(flat: FlatExamples): ExampleRows[] {
  return Array.from({ length: flatCount(flat) }, (_, k) => {
    const [from, to] = [flat.offsets[k], flat.offsets[k + 1]];
    return { inputIds: flat.inputIds.subarray(from, to), labels: flat.labels.subarray(from, to) };
  });
}
