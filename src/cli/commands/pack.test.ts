// The `pack` command end to end: under bfd no example is ever split across rows, every row fits
// max_seq_length, and the numbers it prints add up; wrapped fills every row but the last.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../../..");
const pack = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "pack", ...args], { cwd: root, encoding: "utf8" });

interface Packed {
  rows: Array<{ length: number; sequences: Array<{ example: number; length: number }> }>;
  sequences: number;
  tokens: number;
  efficiency: number;
}

// 40 alpaca records of varied lengths, some longer than the smaller max_seq_length below.
const EXAMPLES = 40;
const dir = mkdtempSync(join(tmpdir(), "pack-cli-"));
const data = join(dir, "alpaca.json");
writeFileSync(
  data,
  JSON.stringify(
    Array.from({ length: EXAMPLES }, (_, i) => ({
      instruction: `Question ${i}: ${"why ".repeat((i * 7) % 11)}?`,
      input: "",
      output: `Answer ${i}. ${"so ".repeat((i * 5) % 17)}`,
    })),
  ),
);

function packed(maxSeqLength: number, strategy: string): Packed {
  const r = pack("--tokenizer", "default", "--data", data, "--max-seq-length", String(maxSeqLength), "--packing", strategy, "--json");
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Packed;
}

/** Each example's whole tokenized length: wrapped keeps every token, so its pieces add up to it. */
function wholeLengths(wrapped: Packed): number[] {
  const lengths = new Array<number>(EXAMPLES).fill(0);
  for (const row of wrapped.rows) for (const s of row.sequences) lengths[s.example] += s.length;
  return lengths;
}

describe("cli pack", () => {
  const MAX = 48;
  const whole = wholeLengths(packed(MAX, "wrapped"));

  it("under bfd puts every example, whole or cut to max_seq_length, in exactly one row", () => {
    expect(Math.max(...whole)).toBeGreaterThan(MAX); // some examples are cut
    for (const max of [MAX, 96, 4096]) {
      const out = packed(max, "bfd");
      const seen = out.rows.flatMap((row) => row.sequences.map((s) => s.example));
      expect(seen.toSorted((a, b) => a - b)).toEqual(Array.from({ length: EXAMPLES }, (_, i) => i));
      for (const row of out.rows) {
        expect(row.length).toBeLessThanOrEqual(max);
        expect(row.sequences.reduce((n, s) => n + s.length, 0)).toBe(row.length);
        for (const s of row.sequences) expect(s.length).toBe(Math.min(whole[s.example], max));
      }
      expect(out.sequences).toBe(EXAMPLES);
      expect(out.tokens).toBe(out.rows.reduce((n, r) => n + r.length, 0));
      expect(out.efficiency).toBeCloseTo(out.tokens / (out.rows.length * max), 12);
    }
  });

  it("under bfd leaves no two rows that one row could hold", () => {
    // A row opens only when no open row has room for the sequence, so an earlier row's final room is
    // less than a later row's first sequence: any two rows hold more than max_seq_length together.
    for (const max of [MAX, 96]) {
      const { rows } = packed(max, "bfd");
      rows.forEach((a, i) => rows.slice(i + 1).forEach((b) => expect(a.length + b.length).toBeGreaterThan(max)));
    }
  });

  it("under wrapped fills every row but the last to max_seq_length", () => {
    const out = packed(MAX, "wrapped");
    expect(out.rows.slice(0, -1).every((r) => r.length === MAX)).toBe(true);
    expect(out.tokens).toBe(whole.reduce((n, l) => n + l, 0));
  });

  it("says what to give when --packing is missing", () => {
    const r = pack("--tokenizer", "default", "--data", data, "--max-seq-length", "64");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("error: pack: --packing bfd|wrapped is required\n");
  });
});
