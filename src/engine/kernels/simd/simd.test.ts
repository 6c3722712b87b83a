// The SIMD module: the committed bytes are the build of its source, and the arena's arrays survive
// the memory growing under them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED, generatedKernels } from "../../../../scripts/kernels/build";
import { RESIDENT_MAX_BYTES, withResidentSimd, withSimd } from "./simd";

describe("the SIMD kernels", () => {
  it("are the build of assembly/index.ts (run npm run build:kernels after editing it)", async () => {
    expect(readFileSync(GENERATED, "utf8")).toBe(await generatedKernels());
  });

  it("keep what was placed before the memory grew, and compute on it", () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => i + 1); // [3, 4]
    const b = Float32Array.from({ length: 8 }, (_, i) => (i % 3) - 1); // [2, 4]
    const c = new Float32Array(6); // [3, 2] = a · bᵀ
    withSimd((k, m) => {
      const [pa, pb, pc] = [m.put(a), m.put(b), m.zeros(6)];
      m.zeros(4 * 1024 * 1024); // 16 MB: more than the memory had, so it grows
      k.gemmNT(pa, pb, pc, 3, 2, 4, 1);
      m.get(pc, c);
    });
    const expected = [0, 1, 2].flatMap((i) => [0, 1].map((j) => [0, 1, 2, 3].reduce((s, k) => s + a[i * 4 + k] * b[j * 4 + k], 0)));
    expect(Array.from(c)).toEqual(expected);
  });

  // Every path of the blocked product: 4-row and single-row blocks of 8 columns, then 4 and 1 columns.
  it.each([
    [9, 37, 5],
    [4, 8, 3],
    [6, 13, 4],
    [3, 7, 11],
  ])("gemmNN accumulates alpha·A·B into C for [%i, %i] from K = %i", (M, N, K) => {
    const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i + 1));
    const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(2 * i));
    const c0 = Float32Array.from({ length: M * N }, (_, i) => i % 5);
    const c = new Float32Array(M * N);
    withSimd((k, m) => {
      const [pa, pb, pc] = [m.put(a), m.put(b), m.put(c0)];
      k.gemmNN(pa, pb, pc, M, N, K, 0.5);
      m.get(pc, c);
    });
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const dot = Array.from({ length: K }, (_, k) => a[i * K + k] * b[k * N + j]).reduce((x, y) => x + y, 0);
        expect(c[i * N + j]).toBeCloseTo(c0[i * N + j] + 0.5 * dot, 5);
      }
  });

  it("keep matrices across calls, transposed where asked, and drop them all when the next would pass the limit", () => {
    // Two matrices of 0.6 × the limit: the second cannot join the first, so the first is dropped.
    const rows = 4;
    const cols = Math.floor((0.6 * RESIDENT_MAX_BYTES) / 4 / rows);
    const matrix = (seed: number) => Float32Array.from({ length: rows * cols }, (_, i) => ((i * 7 + seed) % 13) - 6);
    const [first, second] = [matrix(1), matrix(2)];
    const keys = [{}, {}];
    let reads = 0;
    const kept = (key: object, values: Float32Array) => ({ key, values: () => (reads++, values), rows, cols, transposed: true });
    // Row 0 of the transposed [cols, rows] matrix is column 0 of the original.
    const column0 = (key: object, values: Float32Array) =>
      withResidentSimd([kept(key, values)], (_k, m, [at]) => {
        const out = new Float32Array(rows);
        m.get(at, out);
        m.zeros(rows * cols); // an arena above the kept matrices leaves them as they are
        return Array.from(out);
      });
    const expected = (values: Float32Array) => Array.from({ length: rows }, (_, r) => values[r * cols]);
    expect(column0(keys[0], first)).toEqual(expected(first));
    expect(column0(keys[0], first)).toEqual(expected(first));
    expect(reads).toBe(1); // kept: read once
    expect(column0(keys[1], second)).toEqual(expected(second));
    expect(column0(keys[0], first)).toEqual(expected(first));
    expect(reads).toBe(3); // the first was dropped for the second, and copied in again
  });
});
