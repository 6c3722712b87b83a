// The low-rank branch of a LoRA linear (PEFT's lora.Linear without dropout) as host kernels. At
// r = 8 each of the branch's matmuls is about 22k multiply-adds for the default's 22 tokens, so
// its four matmuls forward and nine ops backward cost their dispatches, not their arithmetic. The
// frozen matmul stays a tfjs matMul (XNNPACK on wasm): the forward kernel adds to its result and
// the backward kernel to its input gradient.

import { registerHostKernel } from "./host";
import { withSimd } from "./simd/simd";

export const LORA = "PlaygroundLora";
export const LORA_GRAD = "PlaygroundLoraGrad";

export interface LoraAttrs {
  /** lora_alpha / r (or / √r with rsLoRA). */
  scaling: number;
}

// base [N, out], x [N, in], A [r, in], B [out, r] → y = base + s·(x·Aᵀ)·Bᵀ [N, out], down = x·Aᵀ [N, r].
registerHostKernel<LoraAttrs>(
  LORA,
  ([base, , A]) => [base, [base[0], A[0]]],
  ([base, x, A, B], [y, down], { scaling }, shapes) => {
    const [N, out] = shapes[0];
    const [r, inF] = shapes[2];
    withSimd((k, m) => {
      const [px, pA, pB, py, pDown] = [m.put(x), m.put(A), m.put(B), m.put(base), m.zeros(N * r)];
      k.gemmNT(px, pA, pDown, N, r, inF, 1);
      k.gemmNT(pDown, pB, py, N, out, r, scaling);
      m.get(py, y);
      m.get(pDown, down);
    });
  },
);

// g = dy [N, out], dxBase = g·w [N, in], x, A, B, down → with u = g·B [N, r]:
// dx = dxBase + s·u·A, dA = s·uᵀ·x [r, in], dB = s·gᵀ·down [out, r].
registerHostKernel<LoraAttrs>(
  LORA_GRAD,
  ([, dxBase, , A, B]) => [dxBase, A, B],
  ([g, dxBase, x, A, B, down], [dx, dA, dB], { scaling }, shapes) => {
    const [N, out] = shapes[0];
    const [r, inF] = shapes[3];
    withSimd((k, m) => {
      const [pg, pdx, px, pA, pB, pDown] = [g, dxBase, x, A, B, down].map((t) => m.put(t));
      const [pu, pdA, pdB] = [m.zeros(N * r), m.zeros(r * inF), m.zeros(out * r)];
      k.gemmNN(pg, pB, pu, N, r, out, 1);
      k.gemmNN(pu, pA, pdx, N, inF, r, scaling);
      k.gemmTN(pu, px, pdA, r, inF, N, scaling);
      k.gemmTN(pg, pDown, pdB, out, r, N, scaling);
      m.get(pdx, dx);
      m.get(pdA, dA);
      m.get(pdB, dB);
    });
  },
);
