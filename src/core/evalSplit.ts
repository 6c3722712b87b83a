// The eval split: a seeded fraction of the examples held out, measured and never trained on. The
// count follows datasets' Dataset.train_test_split(test_size=fraction): ceil(fraction × n) held out,
// the rest trained, and a split that leaves nothing to train is refused. Which examples are held out
// cannot equal datasets' for the same seed (numpy's generator), only be the same for a seed here.

/** A 32-bit mix of (seed, index) (splitmix32's finaliser): the rank that picks the held-out examples. */
function rank(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/** How many of `n` examples a fraction holds out (datasets: ceil(test_size × n)). */
export function heldOutCount(n: number, fraction: number): number {
  return fraction > 0 ? Math.ceil(fraction * n) : 0;
}

/**
 * The examples split into those trained and those evaluated, each in its original order. Throws
 * when the split leaves no example to train (the message names the setting and the counts).
 */
export function splitForEvaluation<T>(examples: readonly T[], fraction: number, seed: number): { train: T[]; eval: T[] } {
  const held = heldOutCount(examples.length, fraction);
  if (held === 0) return { train: [...examples], eval: [] };
  if (held >= examples.length) {
    throw new Error(
      `eval split ${fraction} of ${examples.length} example${examples.length === 1 ? "" : "s"} holds out ${held}, leaving none to train on; lower the eval split or add examples`,
    );
  }
  const byRank = examples.map((_, i) => i).sort((a, b) => rank(seed, a) - rank(seed, b) || a - b);
  const heldOut = new Set(byRank.slice(0, held));
  return {
    train: examples.filter((_, i) => !heldOut.has(i)),
    eval: examples.filter((_, i) => heldOut.has(i)),
  };
}

/**
 * The run's training and eval examples: a separate eval dataset as given, else the eval split of the
 * examples (eval split 0 and no eval dataset: nothing evaluated). Both at once is refused, as
 * LLaMA-Factory refuses val_size with an eval_dataset: which one was meant is not clear.
 */
export function evaluationSets<T>(
  examples: readonly T[],
  evalExamples: readonly T[] | null,
  { evalSplit, seed }: { evalSplit: number; seed: number },
): { train: T[]; eval: T[] } {
  if (evalExamples === null) return splitForEvaluation(examples, evalSplit, seed);
  if (evalSplit > 0) {
    throw new Error(
      `an eval dataset and eval split ${evalSplit} were both given; set eval split to 0 to use the eval dataset, or drop the eval dataset`,
    );
  }
  return { train: [...examples], eval: [...evalExamples] };
}
