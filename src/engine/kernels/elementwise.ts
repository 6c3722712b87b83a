// Element-wise pieces of the decoder layers as host kernels: SwiGLU's silu(gate)·up and BLOOM's tanh
// GELU forward and backward, rotary embeddings forward (generation's pass over its KV cache; training
// rotates inside row attention). Each replaces a chain of five to ten ops (and as many saved copies
// for the tape) with one kernel each way.

import * as tf from "@tensorflow/tfjs-core";
import { registerHostKernel, runHostKernel } from "./host";
import { withSimd } from "./simd/simd";

const ROPE = "PlaygroundRope";
export const SWIGLU = "PlaygroundSwiglu";
export const SWIGLU_GRAD = "PlaygroundSwigluGrad";
export const GELU = "PlaygroundBloomGelu";
export const GELU_GRAD = "PlaygroundBloomGeluGrad";

/**
 * x [B, n, T, d], cos/sin [T, d] (or [B·T, d]: each batch row's own positions, for packed rows):
 * y = x·cos + rotate_half(x)·sin with rotate_half(x) = cat(−x₂, x₁). The SIMD module's rope, which
 * row attention calls on its head-major copies too.
 */
registerHostKernel<object>(
  ROPE,
  ([x]) => [x],
  ([x, cos, sin], [y], _a, [[, n, T, d]]) =>
    withSimd((k, m) => {
      const [px, pc, ps, py] = [m.put(x), m.put(cos), m.put(sin), m.zeros(x.length)];
      k.rope(px, pc, ps, py, x.length / d, T, d, false, cos.length === T * d ? 0 : n * T);
      m.get(py, y);
    }),
);

// gate, up → silu(gate)·up and σ(gate), which the backward reuses (exp is the costly part).
registerHostKernel<object>(
  SWIGLU,
  ([gate]) => [gate, gate],
  ([gate, up], [y, sig]) =>
    withSimd((k, m) => {
      const [pg, pu, py, ps] = [m.put(gate), m.put(up), m.zeros(gate.length), m.zeros(gate.length)];
      k.swiglu(pg, pu, py, ps, gate.length);
      m.get(py, y);
      m.get(ps, sig);
    }),
);
// dy, gate, up, σ(gate) → dgate = dy·up·σ(g)·(1 + g·(1 − σ(g))), dup = dy·silu(g).
registerHostKernel<object>(
  SWIGLU_GRAD,
  ([dy]) => [dy, dy],
  ([dy, gate, up, sig], [dGate, dUp]) =>
    withSimd((k, m) => {
      const [pdy, pg, pu, ps] = [dy, gate, up, sig].map((t) => m.put(t));
      const [pdg, pdu] = [m.zeros(dy.length), m.zeros(dy.length)];
      k.swigluGrad(pdy, pg, pu, ps, pdg, pdu, dy.length);
      m.get(pdg, dGate);
      m.get(pdu, dUp);
    }),
);

/** modeling_bloom's tanh GELU constants, as HF writes them: √(2/π) and the cubic term's 0.044715. */
export const BLOOM_GELU = { sqrt2OverPi: 0.79788456, cubic: 0.044715 } as const;
const geluTanh = (x: number) => Math.tanh(BLOOM_GELU.sqrt2OverPi * x * (1 + BLOOM_GELU.cubic * x * x));

// modeling_bloom.bloom_gelu_forward / bloom_gelu_back.
registerHostKernel<object>(
  GELU,
  ([x]) => [x],
  ([x], [y]) => {
    for (let i = 0; i < x.length; i++) y[i] = x[i] * 0.5 * (1 + geluTanh(x[i]));
  },
);
registerHostKernel<object>(
  GELU_GRAD,
  ([dy]) => [dy],
  ([dy, x], [dx]) => {
    for (let i = 0; i < x.length; i++) {
      const t = geluTanh(x[i]);
      const ff = 0.5 * x[i] * ((1 - t * t) * (BLOOM_GELU.sqrt2OverPi + 0.1070322243 * x[i] * x[i])) + 0.5 * (1 + t);
      dx[i] = ff * dy[i];
    }
  },
);

tf.registerGradient({
  kernelName: SWIGLU,
  inputsToSave: ["0", "1"],
  outputsToSave: [false, true],
  gradFunc: (dys, [gate, up, sig]) => {
    const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
    const [dGate, dUp] = runHostKernel(SWIGLU_GRAD, [dy, gate, up, sig]);
    return { "0": () => dGate, "1": () => dUp };
  },
});
tf.registerGradient({
  kernelName: GELU,
  inputsToSave: ["0"],
  gradFunc: (dy, [x]) => {
    const [dx] = runHostKernel(GELU_GRAD, [dy as tf.Tensor, x]);
    return { "0": () => dx };
  },
});

export const hostRope = (x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D) => runHostKernel(ROPE, [x, cos, sin])[0] as tf.Tensor4D;
export const hostSwiglu = (gate: tf.Tensor, up: tf.Tensor) => runHostKernel(SWIGLU, [gate, up])[0];
export const hostBloomGelu = (x: tf.Tensor) => runHostKernel(GELU, [x])[0];
