// Training examples one after another in three typed arrays: how a run's examples cross to the
// training worker. 52,000 examples as arrays of numbers took ~250 ms to serialise on the page and
// twice that to read back (a long task either side); as three buffers they cost a copy.
import { z } from "zod";
import type { TrainExample } from "./types";

export interface FlatExamples {
  /** Example k is positions [offsets[k], offsets[k + 1]) of `inputIds` and `labels`. */
  inputIds: Int32Array<ArrayBuffer>;
  labels: Int32Array<ArrayBuffer>;
  offsets: Int32Array<ArrayBuffer>;
}

/** A FlatExamples from another thread: three Int32Arrays whose offsets describe the ids and labels. */
export const flatExamplesSchema = z
  .strictObject({ inputIds: z.instanceof(Int32Array), labels: z.instanceof(Int32Array), offsets: z.instanceof(Int32Array) })
  .refine(
    ({ inputIds, labels, offsets: o }) =>
      o.length > 0 &&
      o[0] === 0 &&
      o.every((v, k) => k === 0 || v >= o[k - 1]) &&
      o[o.length - 1] === inputIds.length &&
      labels.length === inputIds.length,
    "expected offsets from 0, never decreasing, ending at the ids' and labels' common length",
  ) as z.ZodType<FlatExamples>;

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

/** Copies `length` positions of `src` from `from` into `dst` at `at`: ids and labels both (a run of examples at a time). */
export function copyPositions(dst: FlatExamples, at: number, src: FlatExamples, from: number, length: number): void {
  dst.inputIds.set(src.inputIds.subarray(from, from + length), at);
  dst.labels.set(src.labels.subarray(from, from + length), at);
}

export const flatCount = (flat: FlatExamples) => flat.offsets.length - 1;
export const flatLength = (flat: FlatExamples, k: number) => flat.offsets[k + 1] - flat.offsets[k];

/** Each example's first `maxLength` positions (the trainers truncate from the right); `flat` itself when none is longer. */
export function cutExamples(flat: FlatExamples, maxLength: number): FlatExamples {
  const count = flatCount(flat);
  const offsets = new Int32Array(count + 1);
  for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k] + Math.min(flatLength(flat, k), maxLength);
  if (offsets[count] === flat.inputIds.length) return flat;
  const cut = { inputIds: new Int32Array(offsets[count]), labels: new Int32Array(offsets[count]), offsets };
  // Examples the cut leaves whole lie together in both: copied a run at a time, not one by one.
  for (let k = 0; k < count;) {
    let end = k + 1;
    while (end < count && flatLength(flat, end - 1) <= maxLength) end++;
    copyPositions(cut, offsets[k], flat, flat.offsets[k], offsets[end] - offsets[k]);
    k = end;
  }
  return cut;
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
