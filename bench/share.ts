// How long the share-link decoder takes to decide hostile hashes (the fuzz test's cases at full
// size: 250k–500k bad entries, an LZ bomb, 200k-digit versions). Every one must be decided well
// within a frame budget's worth of the page's start-up (200 ms).
import { decodeShareHash } from "../src/core/share/codec";
import { shareFuzzCases } from "../src/core/testing/shareFuzz";

export interface ShareRow {
  cases: number;
  worstMs: number;
  worstKind: string;
  medianMs: number;
}

export function shareBench(seed = 1, count = 3000): ShareRow {
  const cases = shareFuzzCases(seed, count, 1);
  decodeShareHash(cases[cases.length - 1].hash); // warm-up
  // The median of three runs per case, so a garbage-collection pause is not charged to one hash.
  const times = cases.map((c) => {
    const runs = [0, 1, 2].map(() => {
      const t0 = performance.now();
      decodeShareHash(c.hash);
      return performance.now() - t0;
    });
    return { ms: runs.sort((a, b) => a - b)[1], kind: c.kind };
  });
  const worst = times.reduce((a, b) => (b.ms > a.ms ? b : a));
  const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
  return { cases: cases.length, worstMs: worst.ms, worstKind: worst.kind, medianMs: sorted[Math.floor(sorted.length / 2)] };
}
