// The SIMD module: the committed bytes are the build of its source, and the arena's arrays survive
// the memory growing under them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED, generatedKernels } from "../../../../scripts/kernels/build";
import { withSimd } from "./simd";

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
});
