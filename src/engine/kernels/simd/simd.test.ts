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
});
