// Every hostile share hash is decided, safely: no throw, ok or one bounded message, no prototype
// change. Seeded, so a failure names a replayable case. Timing is `npm run bench`'s, not this test's.
import { describe, expect, it } from "vitest";
import { shareFuzzCases } from "../testing/shareFuzz";
import { decodeShareHash, importStateFile, parseAutosave } from "./codec";
import { PlaygroundStateSchema } from "./schema";

const SEED = 20_240_611;
const MAX_ERROR_CHARS = 600;

const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const snapshot = () => prototypes.map((p) => Object.getOwnPropertyNames(p).sort().join(","));

describe("share decode fuzz", () => {
  it("decides every case without throwing, with a bounded message, leaving prototypes alone", () => {
    const before = snapshot();
    const cases = shareFuzzCases(SEED, 3000, 0.2);
    const kinds = new Set<string>();
    for (const [i, c] of cases.entries()) {
      const where = `case ${i} (${c.kind}, seed ${SEED})`;
      let r;
      try {
        r = decodeShareHash(c.hash);
      } catch (err) {
        throw new Error(`${where} threw: ${(err as Error).message}`);
      }
      kinds.add(c.kind);
      if (r.ok) {
        expect(PlaygroundStateSchema.safeParse(r.state).success, where).toBe(true);
      } else {
        expect(typeof r.error, where).toBe("string");
        expect(r.error.length, `${where}: ${r.error.slice(0, 200)}`).toBeGreaterThan(0);
        expect(r.error.length, `${where}: ${r.error.slice(0, 200)}`).toBeLessThanOrEqual(MAX_ERROR_CHARS);
      }
    }
    expect(kinds.size).toBeGreaterThanOrEqual(12);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(snapshot()).toEqual(before);
  });

  it("decides the same hostile texts as files and autosaves", () => {
    const wrap = (state: string) => `{"kind":"finetuning-playground","version":1,"state":${state}}`;
    const texts = [
      wrap(`[${"1,".repeat(400_000)}1]`),
      wrap(`{"examples":[${'{"id":"","turns":[]},'.repeat(50_000)}1]}`),
      `{"kind":"finetuning-playground","version":${"9".repeat(100_000)},"state":{}}`,
      `{"kind":"finetuning-playground","version":[${"1,".repeat(100_000)}1],"state":{}}`,
      `{"kind":"finetuning-playground","version":1,"state":{},${Array.from({ length: 20_000 }, (_, i) => `"${"x".repeat(100)}${i}":0`).join(",")}}`,
      wrap('{"__proto__":{"polluted":true}}'),
      wrap("1e309"),
    ];
    for (const text of texts) {
      for (const r of [importStateFile(text, "play.json"), parseAutosave(text)]) {
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
