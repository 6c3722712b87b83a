// q8_0 and q4_0 against ggml's definitions worked by hand (quantize_row_q8_0_ref, quantize_row_q4_0_ref:
// block layout, rounding, clipping, nibble order), and the round trip's error within the step size.
import { describe, expect, it } from "vitest";
import { f16ToF32, f32ToF16 } from "../../float16";
import { decodeGgml, encodeGgml, typeBytes } from "./quantise";

const block = (f: (j: number) => number) => Float32Array.from({ length: 32 }, (_, j) => f(j));
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe("q8_0", () => {
  it("is an fp16 scale amax/127 then 32 int8 values round(x / d), halves away from zero", () => {
    // amax 127 makes d = 1: the quants are the values rounded as C's roundf does.
    const x = block((j) => (j === 0 ? 127 : j === 1 ? 2.5 : j === 2 ? -2.5 : j === 3 ? -0.4 : j === 4 ? 1.5 : 0));
    const b = encodeGgml(x, "Q8_0");
    expect(b.length).toBe(34);
    expect(view(b).getUint16(0, true)).toBe(0x3c00); // 1.0 in binary16
    const q = Array.from(new Int8Array(b.buffer, 2, 32));
    expect(q.slice(0, 6)).toEqual([127, 3, -3, 0, 2, 0]);
  });

  it("scales by the block's largest magnitude, whichever its sign", () => {
    const x = block((j) => j - 16); // -16 … 15: amax 16, d = 16/127
    const b = encodeGgml(x, "Q8_0");
    expect(view(b).getUint16(0, true)).toBe(f32ToF16(16 / 127));
    const q = new Int8Array(b.buffer, 2, 32);
    expect(q[0]).toBe(-127); // -16 · 127/16
    expect(q[15]).toBe(-8); // -1 · 7.9375 = -7.9375
    expect(q[16]).toBe(0);
    expect(q[18]).toBe(16); // 2 · 7.9375 = 15.875
    expect(q[31]).toBe(119); // 15 · 7.9375 = 119.0625
  });

  it("an all-zero block has d = 0 and zero quants", () => {
    const b = encodeGgml(new Float32Array(32), "Q8_0");
    expect(Array.from(b)).toEqual(new Array(34).fill(0));
  });
});

describe("q4_0", () => {
  it("d = (the value of largest magnitude) / -8, q = min(15, trunc(x/d + 8.5)), value j low nibble and j+16 high", () => {
    // max -8 → d = 1: q = trunc(x + 8.5), clipped at 15.
    const values = [-8, 7, 7.6, 0, -0.5, 0.49, 0.5, -3];
    const x = block((j) => (j < values.length ? values[j] : j === 16 ? 7 : j === 17 ? -8 : 0));
    const b = encodeGgml(x, "Q4_0");
    expect(b.length).toBe(18);
    expect(view(b).getUint16(0, true)).toBe(0x3c00);
    const low = (j: number) => b[2 + j] & 0x0f;
    const high = (j: number) => b[2 + j] >> 4;
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(low)).toEqual([0, 15, 15, 8, 8, 8, 9, 5]);
    expect([high(0), high(1), high(2)]).toEqual([15, 0, 8]);
  });

  it("a positive extreme gives a negative scale", () => {
    const x = block((j) => (j === 0 ? 16 : j === 1 ? -14 : 0)); // d = -2
    const b = encodeGgml(x, "Q4_0");
    expect(f16ToF32(view(b).getUint16(0, true))).toBe(-2);
    expect(b[2] & 0x0f).toBe(0); // 16 / -2 + 8.5 = 0.5
    expect(b[3] & 0x0f).toBe(15); // -14 / -2 + 8.5 = 15.5
    expect(Array.from(decodeGgml(b, "Q4_0", 32).subarray(0, 3), (v) => v + 0)).toEqual([16, -14, 0]);
  });
});

describe("round trip", () => {
  const random = (n: number, seed: number) => {
    let s = seed;
    return Float32Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return (s / 2 ** 31 - 0.5) * 3;
    });
  };
  // Half a step (q8_0) or a whole one (q4_0 clips +8 steps to +7), plus d's rounding to fp16 (2^-11 relative) times |q|.
  it.each([
    ["Q8_0", (0.5 + 127 / 2048) / 127],
    ["Q4_0", (1 + 8 / 2048) / 8],
  ] as const)("%s stays within a step of each block's scale", (type, stepsOfAmax) => {
    const x = random(32 * 50, 7);
    const y = decodeGgml(encodeGgml(x, type), type, x.length);
    for (let b = 0; b < 50; b++) {
      const part = x.subarray(b * 32, b * 32 + 32);
      const amax = Math.max(...Array.from(part, Math.abs));
      for (let j = 0; j < 32; j++) expect(Math.abs(part[j] - y[b * 32 + j])).toBeLessThanOrEqual(stepsOfAmax * amax * (1 + 2 ** -9));
    }
  });

  it("f16, bf16 and f32 decode what they encode", () => {
    const x = random(64, 3);
    expect(Array.from(decodeGgml(encodeGgml(x, "F32"), "F32", 64))).toEqual(Array.from(x));
    for (const t of ["F16", "BF16"] as const) {
      const y = decodeGgml(encodeGgml(x, t), t, 64);
      for (let i = 0; i < 64; i++) expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(Math.abs(x[i]) * (t === "F16" ? 2 ** -11 : 2 ** -8));
    }
  });

  it("block types take whole blocks only", () => {
    expect(typeBytes("Q8_0", 64)).toBe(68);
    expect(typeBytes("Q4_0", 64)).toBe(36);
    expect(() => typeBytes("Q4_0", 40)).toThrow(/whole number/);
  });
});
