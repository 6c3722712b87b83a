// A Llama decoder layer on the host backends (cpu, wasm) as one differentiable op. Composed of taped
// ops, the layer put some twenty nodes on tfjs's tape, each with its saved copies, gradient
// bookkeeping and accumulation adds: on wasm that bookkeeping cost the bundled model about as much as
// its arithmetic. Where the model's linears fit the SIMD module's kept memory the op is one kernel
// each way (kernels/llamaLayer.ts); otherwise its inner ops are host kernels, run untaped, with the
// backward written out from their gradients. Either backward runs only the products it needs (none
// into the layer's input where nothing upstream trains: layer 0 of an adapter without new token rows).

import * as tf from "@tensorflow/tfjs-core";
import { hostKernelsActive, runHostKernel } from "../kernels/host";
import { LORA, LORA_GRAD } from "../kernels/lora";
import { RMS_NORM_GRAD } from "../kernels/norms";
import { SWIGLU, SWIGLU_GRAD } from "../kernels/elementwise";
import { DOWN, GATE, K, llamaLayer, llamaLayerFits, O, Q, UP, V } from "../kernels/llamaLayer";
import { perRowTables, ROW_ATTENTION, ROW_ATTENTION_GRAD, type RowAttentionAttrs } from "../kernels/rowAttention";
import {
  frozenBackward,
  frozenForward,
  frozenLinear,
  loraDropoutActive,
  rmsNorm,
  rowSelector,
  selectRows,
  weight,
  type FrozenLinear,
} from "../layers";
import type { LayerContext, LinearModule, ModelConfig } from "../modelTypes";

/**
 * How a layer runs on the host backends: "auto", one kernel when the model's linears fit the SIMD
 * module's kept memory (kernels/llamaLayer.ts), else one op of host kernels; "ops", always the
 * latter; "off", the composed ops of llama.ts. Tests compare the three.
 */
export type HostLayerMode = "auto" | "ops" | "off";
let mode: HostLayerMode = "auto";

export function setHostLayer(m: HostLayerMode): void {
  mode = m;
}

/** Whether hostDecoderLayer runs this layer: on a host backend, unless turned off (the caller keeps it to passes without a KV cache). */
export function hostLayerApplies(): boolean {
  return mode !== "off" && hostKernelsActive();
}

/**
 * One of the layer's linears: the frozen weight and, when the adapter targets it, its A/B pair and,
 * with LoRA dropout on, the rate and the module's seed (layers.linear's: the step's seed + its index).
 */
interface Projection {
  frozen: FrozenLinear;
  lora: { A: tf.Variable; B: tf.Variable; dropout: { rate: number; seed: number } | null } | null;
}

/**
 * tf.dropout's multiplier (floor(u + keep) / keep, u uniform from the seed): the same draw as the
 * composed path's tf.dropout(x, rate, undefined, seed), kept so that the backward can mask dx.
 */
function dropoutMultiplier(shape: number[], d: { rate: number; seed: number }): tf.Tensor {
  const keep = 1 - d.rate;
  return tf.div(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, "float32", d.seed), keep)), keep);
}

const PROJECTIONS = [
  "self_attn.q_proj",
  "self_attn.k_proj",
  "self_attn.v_proj",
  "self_attn.o_proj",
  "mlp.gate_proj",
  "mlp.up_proj",
  "mlp.down_proj",
] as const; // in the layer kernel's order (kernels/llamaLayer.ts: Q … DOWN)

/**
 * y = x·wᵀ (+ b) (+ s·(d(x)·Aᵀ)·Bᵀ, d LoRA dropout or none) and, with LoRA, what the backward reuses:
 * down = d(x)·Aᵀ, and with dropout d(x) and its multiplier.
 */
function project(p: Projection, x: tf.Tensor2D, scaling: number): { y: tf.Tensor2D; saved: tf.Tensor[] } {
  const base = frozenForward(x, p.frozen);
  if (!p.lora) return { y: base, saved: [] };
  const mult = p.lora.dropout ? dropoutMultiplier(x.shape, p.lora.dropout) : null;
  const xd = mult ? tf.mul(x, mult) : x;
  const [y, down] = runHostKernel(LORA, [base, xd, p.lora.A, p.lora.B], { scaling });
  base.dispose();
  return { y: y as tf.Tensor2D, saved: mult ? [down, xd, mult] : [down] };
}

/** dy → dx (null when not wanted) and, with LoRA, [dA, dB]; `saved` is project's. */
function projectBack(p: Projection, dy: tf.Tensor2D, x: tf.Tensor, saved: tf.Tensor[], scaling: number, wantDx: boolean) {
  if (!p.lora) return { dx: wantDx ? frozenBackward(dy, p.frozen) : null, dAB: [] };
  const [down, xd, mult] = saved;
  // LORA_GRAD adds the low-rank part to the frozen product; zeros stand in for it when dx is not wanted,
  // and under dropout, where the low-rank part goes through the multiplier first.
  const dxBase = wantDx && !mult ? frozenBackward(dy, p.frozen) : tf.zeros(x.shape);
  const [dx, dA, dB] = runHostKernel(LORA_GRAD, [dy, dxBase, xd ?? x, p.lora.A, p.lora.B, down], { scaling });
  dxBase.dispose();
  if (!wantDx) return { dx: null, dAB: [dA, dB] };
  if (!mult) return { dx: dx as tf.Tensor2D, dAB: [dA, dB] };
  return { dx: tf.add(frozenBackward(dy, p.frozen), tf.mul(dx, mult)) as tf.Tensor2D, dAB: [dA, dB] };
}

/** Qwen3's per-head RMSNorm on rows [N, n·d]: each head's d values normalised with the weight [d]. */
function headNorm(rows: tf.Tensor2D, w: tf.Tensor, d: number, eps: number): tf.Tensor2D {
  return tf.reshape(rmsNorm(tf.reshape(rows, [-1, d]), w, eps), rows.shape);
}

/** headNorm's gradient into its input rows (its weight is frozen). */
function headNormBack(dy: tf.Tensor, rows: tf.Tensor, w: tf.Tensor, d: number, eps: number): tf.Tensor2D {
  const [dx] = runHostKernel(RMS_NORM_GRAD, [tf.reshape(dy, [-1, d]), tf.reshape(rows, [-1, d]), w], { eps });
  return tf.reshape(dx, rows.shape as [number, number]);
}

const sum = (parts: Array<tf.Tensor | null>): tf.Tensor2D => tf.addN(parts.filter((t): t is tf.Tensor => t !== null)) as tf.Tensor2D;

/**
 * The decoder layer of llama.ts (pre-RMSNorm attention with rotary embeddings, SwiGLU MLP) with the
 * same inputs and result, as one op. `rows`: the rows to go on with after the attention (the last
 * layer of a loss); `inputGrad`: whether anything needs the gradient with respect to x.
 */
export function hostDecoderLayer(
  ctx: LayerContext,
  c: ModelConfig,
  i: number,
  x: tf.Tensor2D,
  attention: Omit<RowAttentionAttrs, "packed" | "rope" | "ropePerRow">,
  rope: { cos: tf.Tensor2D; sin: tf.Tensor2D },
  bias: tf.Tensor4D,
  rows: number[] | null,
  inputGrad: boolean,
  /** The model's linears (architecture.linearModules): whether they fit decides between the kernel and the op. */
  linears: LinearModule[],
): tf.Tensor2D {
  const p = `model.layers.${i}`;
  const dropout = loraDropoutActive(ctx) ? { rate: ctx.lora!.config.lora_dropout, seed: ctx.dropoutSeed } : null;
  const projections: Projection[] = PROJECTIONS.map((name) => {
    const lora = ctx.lora?.modules.get(`${p}.${name}`);
    const drop = dropout && lora ? { rate: dropout.rate, seed: dropout.seed + lora.index } : null;
    return { frozen: frozenLinear(ctx, `${p}.${name}`), lora: lora ? { A: lora.A, B: lora.B, dropout: drop } : null };
  });
  const scaling = ctx.lora?.scaling ?? 1;
  const [wIn, wPost] = [weight(ctx, `${p}.input_layernorm.weight`), weight(ctx, `${p}.post_attention_layernorm.weight`)];
  const attrs: RowAttentionAttrs = { ...attention, packed: false, rope: true, ropePerRow: perRowTables(rope, attention.T) };
  const eps = { eps: c.normEps };
  const trained = projections.flatMap((pr) => (pr.lora ? [pr.lora.A, pr.lora.B] : []));
  // Qwen3: the norm on each head of q and k before the rotation (llama.ts's heads()).
  const qkNorm = c.qkNorm ? { q: weight(ctx, `${p}.self_attn.q_norm.weight`), k: weight(ctx, `${p}.self_attn.k_norm.weight`) } : null;
  // The layer kernel has neither dropout nor q/k norms: with either, the op of host kernels below.
  if (mode === "auto" && llamaLayerFits(linears) && !dropout && !qkNorm) {
    const tensors = {
      x,
      wIn,
      wPost,
      bias,
      ...rope,
      projections: projections.map((pr) => ({ w: pr.frozen.w, b: pr.frozen.b, lora: pr.lora && { A: pr.lora.A, B: pr.lora.B } })),
    };
    const dims = { hidden: c.hiddenSize, intermediate: c.intermediateSize, eps: c.normEps, scaling, rows: rows ?? [], inputGrad };
    return llamaLayer(tensors, { ...attention, ...dims });
  }

  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const h = rmsNorm(input, wIn, c.normEps) as tf.Tensor2D;
    const [q, k, v] = [Q, K, V].map((j) => project(projections[j], h, scaling));
    const qa = qkNorm ? headNorm(q.y, qkNorm.q, attention.d, c.normEps) : q.y;
    const ka = qkNorm ? headNorm(k.y, qkNorm.k, attention.d, c.normEps) : k.y;
    const [attn, probs] = runHostKernel(ROW_ATTENTION, [qa, ka, v.y, bias, rope.cos, rope.sin], attrs) as [tf.Tensor2D, tf.Tensor];
    const [residual, mixed] = rows ? [selectRows(input, rows), selectRows(attn, rows)] : [input, attn];
    const o = project(projections[O], mixed, scaling);
    const x1 = tf.add(residual, o.y) as tf.Tensor2D;
    const h2 = rmsNorm(x1, wPost, c.normEps) as tf.Tensor2D;
    const [gate, up] = [GATE, UP].map((j) => project(projections[j], h2, scaling));
    const [act, sig] = runHostKernel(SWIGLU, [gate.y, up.y]);
    const down = project(projections[DOWN], act as tf.Tensor2D, scaling);
    const projected = [q, k, v, o, gate, up, down]; // in PROJECTIONS' order
    save([
      input,
      h,
      qa,
      ka,
      v.y,
      bias,
      rope.cos,
      rope.sin,
      probs,
      mixed,
      x1,
      h2,
      gate.y,
      up.y,
      sig,
      act,
      ...projected.flatMap((r) => r.saved),
      ...(qkNorm ? [q.y, k.y] : []), // the norms' inputs
    ]);
    return {
      value: tf.add(x1, down.y) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, hs, qs, ks, vs, biasS, cosS, sinS, probsS, mixedS, x1s, h2s, gateS, upS, sigS, actS] = saved;
        let next = 16;
        const savedBy = projected.map((r) => saved.slice(next, (next += r.saved.length)));
        const grads: tf.Tensor[][] = projections.map(() => []);
        const back = (j: number, d: tf.Tensor, input: tf.Tensor, wantDx = true) => {
          const r = projectBack(projections[j], d as tf.Tensor2D, input, savedBy[j], scaling, wantDx);
          grads[j] = r.dAB;
          return r.dx;
        };
        const g = dy as tf.Tensor2D;
        // MLP: out = x1 + down(silu(gate(h2))·up(h2)), h2 = norm(x1).
        const dAct = back(DOWN, g, actS) as tf.Tensor2D;
        const [dGate, dUp] = runHostKernel(SWIGLU_GRAD, [dAct, gateS, upS, sigS]);
        const dh2 = sum([back(GATE, dGate, h2s), back(UP, dUp, h2s)]);
        const dx1 = tf.add(g, runHostKernel(RMS_NORM_GRAD, [dh2, x1s, wPost], eps)[0]) as tf.Tensor2D;
        // Attention: x1 = residual + o(mixed), both the input's rows (or all of it).
        const dMixed = back(O, dx1, mixedS) as tf.Tensor2D;
        const spread = (d: tf.Tensor2D) => (rows ? selectRowsBack(d, rows, xs.shape[0]) : d);
        const dqkv = runHostKernel(ROW_ATTENTION_GRAD, [spread(dMixed), probsS, qs, ks, vs, biasS, cosS, sinS], attrs);
        if (qkNorm) {
          const [qPre, kPre] = saved.slice(next);
          dqkv[0] = headNormBack(dqkv[0], qPre, qkNorm.q, attention.d, c.normEps);
          dqkv[1] = headNormBack(dqkv[1], kPre, qkNorm.k, attention.d, c.normEps);
        }
        const dh = [Q, K, V].map((j, n) => back(j, dqkv[n], hs, inputGrad));
        const dx = inputGrad ? tf.add(spread(dx1), runHostKernel(RMS_NORM_GRAD, [sum(dh), xs, wIn], eps)[0]) : tf.zerosLike(xs);
        return [dx, ...grads.flat()];
      },
    };
  });
  return op(x, ...trained) as tf.Tensor2D;
}

/** The gradient of selectRows(x, rows) for x of `total` rows: d's rows put back in place, zeros elsewhere. */
function selectRowsBack(d: tf.Tensor2D, rows: number[], total: number): tf.Tensor2D {
  return tf.matMul(rowSelector(rows, total), d, true, false);
}
