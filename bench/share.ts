// How long the share-link decoder takes to decide hostile hashes (the fuzz test's cases at full
// size: 250k–500k bad entries, an LZ bomb, 200k-digit versions). Every one must be decided well
// within a frame budget's worth of the page's start-up (200 ms).
import { decodeShareHash } from "../src/core/share/codec";
import { shareFuzzCases } from "../src/core/testing/shareFuzz";
import { median, timed, type Row } from "./engine";

export function shareBench(seed = 1, count = 3000): Row {
  const cases = shareFuzzCases(seed, count, 1);
  decodeShareHash(cases[cases.length - 1].hash); // warm-up
  // The median of three runs per case, so a garbage-collection pause is not charged to one hash.
  const times = cases.map((c) => ({ ms: median([0, 1, 2].map(() => timed(() => decodeShareHash(c.hash)).ms)), kind: c.kind }));
  const worst = times.reduce((a, b) => (b.ms > a.ms ? b : a));
  const note = `${worst.kind}; median ${median(times.map((t) => t.ms)).toFixed(2)} ms of ${cases.length}`;
  return { backend: "core", what: "share decode, worst of hostile hashes", value: worst.ms, unit: "ms", note };
}
