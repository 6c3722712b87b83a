// Building blocks shared by the architectures: norms, linear (+LoRA), attention with causal and
// padding masks, rotary embeddings, ALiBi, activations. Pure maths on tfjs tensors, no I/O.
// Shapes: B batch, T new positions, Tk key positions (past + new), H hidden, nH/nKV heads.

import * as tf from "@tensorflow/tfjs-core";
import { f16ToF32, f32ToBf16, f32ToF16 } from "../core/float16";
import { hostAttention } from "./kernels/attention";
import { BLOOM_GELU, GELU, hostBloomGelu, hostRope, hostSwiglu, SWIGLU } from "./kernels/elementwise";
import { hostEmbedRows } from "./kernels/embedding";
import "./kernels/gpu";
import {
  groupDADB,
  groupDown,
  groupDx,
  groupForward,
  groupU,
  gpuLoraGroupActive,
  MAX_GROUP,
  normDown,
  swigluDx,
  swigluForward,
  type GpuMember,
} from "./kernels/gpuLoraGroup";
import { fusedKernelActive, hostKernelsActive, runHostKernel } from "./kernels/host";
import { LORA, LORA_GRAD, type LoraAttrs } from "./kernels/lora";
import { hostLayerNorm, hostRmsNorm, LAYER_NORM, NORM_INPUT_GRAD, RMS_NORM } from "./kernels/norms";
import type { LayerContext, RopeScaling } from "./modelTypes";
import type { StorageDtype } from "./safetensors";
import { gatherBlockRows } from "./vocabBlocks";

export type { LayerCache, LayerContext } from "./modelTypes";

export function weight(ctx: LayerContext, name: string): tf.Tensor {
  const w = ctx.weights.get(name);
  if (!w) throw new Error(`internal: weight "${name}" was not loaded`);
  return w;
}

/**
 * Token embeddings [B·T, H] of ids [B, T] from the embedding's row blocks (vocabBlocks.ts; one
 * unless the backend keeps it in several). On the host backends a stored embedding is read by a
 * kernel the tape saves nothing for (kernels/embedding.ts); one with trainable new-token rows goes
 * through tf.gather, which differentiates.
 */
export function embedTokens(ctx: LayerContext, embedding: tf.Tensor2D[], ids: tf.Tensor2D): tf.Tensor2D {
  if (embedding.length === 1 && hostKernelsActive() && !ctx.lora?.newTokenRows)
    return hostEmbedRows(embedding[0], Array.from(ids.dataSync()));
  const flat = tf.reshape(ids, [-1]) as tf.Tensor1D;
  return embedding.length > 1 ? gatherBlockRows(embedding, flat) : (tf.gather(embedding[0], flat) as tf.Tensor2D);
}

/**
 * Rows `rows` of x [N, H] → [rows.length, H], as a one-hot matmul rather than tf.gather, whose
 * gradient needs a kernel (UnsortedSegmentSum) the wasm backend lacks.
 */
export function selectRows(x: tf.Tensor2D, rows: number[]): tf.Tensor2D {
  return tf.matMul(rowSelector(rows, x.shape[0]), x);
}

/** The one-hot [rows.length, total] matrix whose product with x [total, H] picks `rows`. */
export function rowSelector(rows: number[], total: number): tf.Tensor2D {
  const select = tf.buffer([rows.length, total], "float32");
  rows.forEach((row, n) => select.set(1, n, row));
  return select.toTensor() as tf.Tensor2D;
}

/** A frozen nn.Linear: w [out, in] (HF layout), w transposed once where the model keeps it, the bias. */
export interface FrozenLinear {
  w: tf.Tensor2D;
  wT?: tf.Tensor2D;
  b?: tf.Tensor;
  /** How the backward multiplies by w when the model's backward is lean (CausalLM.leanBackward); unset: it is not. */
  lean?: "copy" | "in-place";
}

/**
 * dy · w, the frozen linear's input gradient. As a plain matmul wasm packs w and keeps the packing as
 * long as w lives. A lean backward multiplies by a copy of w instead ("copy": the copy and its packing
 * last one matmul; a decoder matrix is a few MB), or, for a matrix too large to copy (bloom-560m's 1 GB
 * head), transposes dy into a form wasm multiplies in place ("in-place", slow_batch_matmul: measured
 * 30× slower than the copy for a 4096 × 1024 matrix).
 */
export function frozenBackward(dy: tf.Tensor2D, f: FrozenLinear): tf.Tensor2D {
  if (f.lean === "in-place") return tf.matMul(tf.transpose(dy), f.w, true, false);
  if (f.lean !== "copy") return tf.matMul(dy, f.w); // [N, out] · [out, in] → [N, in]
  // A new tensor, disposed at once (not at the end of the backward), and its packing with it.
  const copy = tf.add(f.w, 0);
  const dx = tf.matMul(dy, copy);
  copy.dispose();
  return dx as tf.Tensor2D;
}

/**
 * x · wᵀ for a stored w. On wasm as (w · xᵀ)ᵀ, so that both operands of the matmul are plain, the one
 * form the wasm backend runs through XNNPACK: `matMul(x, w, false, true)` runs its scalar loop
 * (batch_mat_mul_impl.cc), which took 29 of a SmolLM2-135M step's 34 s of matmul (sft workload at
 * batch 1 × 32, V8 profile). The two transposes move only the activations ([N, in] and [N, out]), not
 * the weight. Other backends take the transposed operand natively; the transposes would only add
 * kernels (GPU dispatches) there.
 */
export function matMulTransposedWeight(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== "wasm") return tf.matMul(x, w, false, true);
  return tf.tidy(() => tf.transpose(tf.matMul(w, tf.transpose(x)))); // [out, in] · [in, N] → [out, N] → [N, out]
}

/** x · wᵀ (+ b): through wT when kept, else matMulTransposedWeight. */
export function frozenForward(x: tf.Tensor2D, f: FrozenLinear): tf.Tensor2D {
  const y = f.wT ? tf.matMul(x, f.wT) : matMulTransposedWeight(x, f.w); // [N, out]
  return (f.b ? tf.add(y, f.b) : y) as tf.Tensor2D;
}

/**
 * x · wᵀ (+ b) for a frozen linear (no gradient flows into w or b), with its gradient written out:
 * dx = dy · w. Both matmuls then take a stored tensor as their plain second operand, which is the one
 * form the wasm backend runs through XNNPACK (it packs that operand once per tensor and reuses the
 * packing); a transposed operand, or the fresh transposed copy autograd would pass, runs a scalar
 * loop instead (tfjs-backend-wasm batch_mat_mul_impl.cc). The ops inside stay off the tape, so
 * none of their inputs is copied for the backward.
 */
export function frozenMatMul(x: tf.Tensor2D, f: FrozenLinear): tf.Tensor2D {
  const op = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: frozenForward(inputs[0] as tf.Tensor2D, f),
    gradFunc: (dy: tf.Tensor) => frozenBackward(dy as tf.Tensor2D, f),
  }));
  return op(x) as tf.Tensor2D;
}

/**
 * A frozen linear plus its LoRA branch without dropout, y = x·wᵀ + b + s·(x·Aᵀ)·Bᵀ, as one op with
 * its gradient written out (g = dy, u = g·B): dx = g·w + s·u·A, dA = s·uᵀ·x, dB = s·gᵀ·(x·Aᵀ).
 * One op on the tape instead of six, and the frozen matmuls in XNNPACK's fast form (frozenMatMul).
 */
export function loraLinear(x: tf.Tensor2D, A: tf.Variable, B: tf.Variable, scaling: number, f: FrozenLinear): tf.Tensor2D {
  if (hostKernelsActive()) return hostLoraLinear(x, A, B, scaling, f);
  if (gpuLoraGroupActive()) return gpuLoraGroup(x, [{ A, B, f }], scaling)[0];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, a, b] = args as tf.Tensor2D[];
    const save = args[3] as tf.GradSaveFunc;
    const down = tf.matMul(input, a, false, true); // [N, r]
    save([input, down]);
    return {
      value: tf.add(frozenForward(input, f), tf.mul(tf.matMul(down, b, false, true), scaling)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, downs] = saved as tf.Tensor2D[];
        const g = dy as tf.Tensor2D;
        const u = tf.matMul(g, b) as tf.Tensor2D; // [N, out] · [out, r] → [N, r]
        const dx = tf.add(frozenBackward(g, f), tf.mul(tf.matMul(u, a), scaling));
        const dA = tf.mul(tf.matMul(u, xs, true, false), scaling); // [r, in]
        const dB = tf.mul(tf.matMul(g, downs, true, false), scaling); // [out, r]
        return [dx, dA, dB];
      },
    };
  });
  return op(x, A, B) as tf.Tensor2D;
}

/**
 * tfjs's engine runs an op given as a forward and a backward function (what tf.customGrad builds on,
 * for one output); a group has several outputs, and its backward's gradients are made when asked.
 */
interface CustomOpEngine {
  runKernelFunc(op: {
    forwardFunc: (backend: unknown, save: tf.GradSaveFunc) => tf.Tensor[];
    backwardsFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: tf.NamedTensorMap;
  }): tf.Tensor[];
}

/** A LoRA linear of a group: its adapter tensors and frozen weights. */
export interface GroupMember {
  A: tf.Variable;
  B: tf.Variable;
  f: FrozenLinear;
}

const gpuMember = ({ A, B, f }: GroupMember): GpuMember => ({ w: f.w, b: f.b, A, B });

/** What a group's op may take in besides its linears: the residual added after a group of one, or the norm before it. */
interface GroupEnds {
  residual?: tf.Tensor2D;
  /** RMSNorm's [w] or LayerNorm's [w, b] applied to x first; the op then returns x too, the residual stream (normResidual). */
  norm?: { weights: tf.Tensor[]; eps: number };
}

/**
 * LoRA linears that read the same x (a layer's q/k/v projections, its gate/up; or one linear) on
 * WebGPU as one op with k outputs: each frozen product with its low-rank term (and bias) in one tiled
 * program, the other low-rank steps of the whole group in one program each (kernels/gpuLoraGroup.ts),
 * and x's gradient summed inside (the tape added the linears' gradients, k − 1 adds). A group of one
 * may add the residual that follows it; a group may start with the norm before it (its program
 * shared with DOWN, its backward after the group's). x's gradient is made only when the tape asks
 * for it (not for a first layer below which nothing trains).
 */
function gpuLoraGroup(x: tf.Tensor2D, members: GroupMember[], scaling: number, { residual, norm }: GroupEnds = {}): tf.Tensor2D[] {
  const k = members.length;
  const [as, bs] = [members.map((m) => m.A), members.map((m) => m.B)];
  const gpuMembers = members.map(gpuMember);
  const normWeights = norm?.weights ?? [];
  const inputs: tf.NamedTensorMap = {};
  [x, ...as, ...bs, ...(residual ? [residual] : []), ...normWeights].forEach((t, i) => (inputs[String(i)] = t));
  return (tf.engine() as unknown as CustomOpEngine).runKernelFunc({
    forwardFunc: (_, save) => {
      const [h, down] = norm ? normDown(x, normWeights, as, norm.eps) : [x, groupDown(x, as)]; // h: what the linears read
      save([x, h, down]);
      const ys = groupForward(h, down, gpuMembers, scaling, residual); // k × [N, out_j]
      return norm ? [...ys, tf.clone(x)] : ys; // the clone shares x's data: no dispatch
    },
    backwardsFunc: (dys, saved) => {
      const gs = (Array.isArray(dys) ? dys : [dys]).slice(0, k);
      const [xs, h, down] = saved as tf.Tensor2D[];
      const u = groupU(gs, bs); // [N, k·r]
      let dh: tf.Tensor2D | null = null;
      const hGrad = () => (dh ??= groupDx(gs, gpuMembers, u, scaling)); // made once, when the tape asks
      const grads: Record<string, () => tf.Tensor> = { "0": hGrad };
      groupDADB(u, h, gs, down, scaling, [...as, ...bs]).forEach((d, i) => (grads[String(1 + i)] = () => d)); // dA_0 …, dB_0 …
      if (residual) grads[String(1 + 2 * k)] = () => tf.clone(gs[0]); // shares dy's data: no dispatch
      if (norm) grads["0"] = normInputGrad(hGrad, (dys as tf.Tensor[])[k], xs, normWeights, norm.eps);
      return grads;
    },
    inputs,
  }) as tf.Tensor2D[];
}

/** Whether `members` run as one op on WebGPU (gpuLoraGroup): its programs active, at most MAX_GROUP of one rank. */
const gpuGroupApplies = (members: GroupMember[]) =>
  gpuLoraGroupActive() && members.length <= MAX_GROUP && members.every((m) => m.A.shape[0] === members[0].A.shape[0]);

/**
 * LoRA linears without dropout that all read x: on WebGPU as one op (gpuLoraGroup), elsewhere
 * loraLinear each.
 */
export function loraGroup(x: tf.Tensor2D, members: GroupMember[], scaling: number): tf.Tensor2D[] {
  if (gpuGroupApplies(members)) return gpuLoraGroup(x, members, scaling);
  return members.map((m) => loraLinear(x, m.A, m.B, scaling, m.f));
}

/** The linears at `paths` with a LoRA branch and no dropout this pass: their place in `paths` and group member. */
function adaptedMembers(ctx: LayerContext, paths: string[]): Array<{ j: number; member: GroupMember }> {
  if (loraDropoutActive(ctx)) return [];
  return paths.flatMap((p, j) => {
    const m = ctx.lora?.modules.get(p);
    return m ? [{ j, member: { A: m.A, B: m.B, f: frozenLinear(ctx, p) } }] : [];
  });
}

/**
 * The linears at `paths`, all reading x: those with a LoRA branch (without dropout) as one loraGroup
 * when there are two or more, the rest (and all of them otherwise) linear() each.
 */
export function linears(ctx: LayerContext, paths: string[], x: tf.Tensor2D): tf.Tensor2D[] {
  const adapted = adaptedMembers(ctx, paths);
  if (ctx.lora === null || adapted.length < 2) return paths.map((p) => linear(ctx, p, x));
  const grouped = loraGroup(
    x,
    adapted.map((a) => a.member),
    ctx.lora.scaling,
  );
  return paths.map((p, j) => {
    const at = adapted.findIndex((a) => a.j === j);
    return at >= 0 ? grouped[at] : linear(ctx, p, x);
  });
}

/**
 * The group members of `paths` when one WebGPU op may take them with the norm before them (normLinears,
 * gpuSwigluMlp): LoRA without dropout on every path, gpuGroupApplies, the norm's programs active.
 */
function normGroupMembers(ctx: LayerContext, paths: string[]): GroupMember[] | null {
  const members = adaptedMembers(ctx, paths).map((a) => a.member);
  return members.length === paths.length && gpuGroupApplies(members) && fusedKernelActive(NORM_INPUT_GRAD) ? members : null;
}

/**
 * normResidual(x) and then the linears at `paths` over the norm's output: their outputs, and x, the
 * residual stream. On WebGPU, when LoRA without dropout adapts every path, one op whose first
 * program is the norm and the group's DOWN together (gpuLoraGroup.ts's NORM_DOWN).
 */
export function normLinears(
  ctx: LayerContext,
  x: tf.Tensor2D,
  normWeights: tf.Tensor[],
  eps: number,
  paths: string[],
): { outs: tf.Tensor2D[]; residual: tf.Tensor2D } {
  const members = normGroupMembers(ctx, paths);
  if (ctx.lora && members) {
    const outs = gpuLoraGroup(x, members, ctx.lora.scaling, { norm: { weights: normWeights, eps } });
    return { outs: outs.slice(0, -1), residual: outs[outs.length - 1] };
  }
  const [h, residual] = normResidual(x, normWeights, eps);
  return { outs: linears(ctx, paths, h), residual };
}

/** loraLinear with the low-rank branch in host kernels (kernels/lora.ts), the frozen matmuls as there. */
function hostLoraLinear(x: tf.Tensor2D, A: tf.Variable, B: tf.Variable, scaling: number, f: FrozenLinear): tf.Tensor2D {
  const attrs: LoraAttrs = { scaling };
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, a, b] = args as tf.Tensor2D[];
    const save = args[3] as tf.GradSaveFunc;
    const base = frozenForward(input, f);
    const [y, down] = runHostKernel(LORA, [base, input, a, b], attrs);
    base.dispose();
    save([input, down]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dxBase = frozenBackward(dy as tf.Tensor2D, f);
        const grads = runHostKernel(LORA_GRAD, [dy, dxBase, saved[0], a, b, saved[1]], attrs);
        dxBase.dispose();
        return grads;
      },
    };
  });
  return op(x, A, B) as tf.Tensor2D;
}

/** The frozen nn.Linear at module `path` (a decoder matrix: a lean backward copies it, frozenBackward). */
export function frozenLinear(ctx: LayerContext, path: string): FrozenLinear {
  const name = `${path}.weight`;
  return {
    w: weight(ctx, name) as tf.Tensor2D,
    wT: ctx.transposed.get(name),
    b: ctx.weights.get(`${path}.bias`),
    lean: ctx.leanBackward ? "copy" : undefined,
  };
}

/** Whether this pass applies LoRA dropout: a seed is given (training) and the adapter's rate is above 0. */
export function loraDropoutActive(ctx: LayerContext): ctx is LayerContext & { dropoutSeed: number } {
  return ctx.dropoutSeed !== null && (ctx.lora?.config.lora_dropout ?? 0) > 0;
}

/**
 * y = x W^T + b, plus PEFT LoRA when the adapter targets `path`:
 * y += dropout(x) A^T B^T * scaling (peft/tuners/lora/layer.py, Linear.forward).
 */
export function linear(ctx: LayerContext, path: string, x: tf.Tensor2D): tf.Tensor2D {
  const frozen = frozenLinear(ctx, path);
  const lora = ctx.lora?.modules.get(path);
  if (!lora || !ctx.lora) return frozenMatMul(x, frozen);
  if (!loraDropoutActive(ctx)) return loraLinear(x, lora.A, lora.B, ctx.lora.scaling, frozen);
  const xd = tf.dropout(x, ctx.lora.config.lora_dropout, undefined, ctx.dropoutSeed + lora.index);
  const down = tf.matMul(xd, lora.A, false, true); // [N, r]
  const up = tf.matMul(down, lora.B, false, true); // [N, out]
  return tf.add(frozenMatMul(x, frozen), tf.mul(up, ctx.lora.scaling)) as tf.Tensor2D;
}

/**
 * residual + linear(x), the residual connection after a layer's output projection: on WebGPU, a LoRA
 * linear without dropout adds it in its own program (gpuLoraGroup) instead of an add of its own.
 */
export function residualLinear(ctx: LayerContext, path: string, x: tf.Tensor2D, residual: tf.Tensor2D): tf.Tensor2D {
  const lora = ctx.lora?.modules.get(path);
  if (lora && ctx.lora && gpuLoraGroupActive() && !loraDropoutActive(ctx))
    return gpuLoraGroup(x, [{ A: lora.A, B: lora.B, f: frozenLinear(ctx, path) }], ctx.lora.scaling, { residual })[0];
  return tf.add(residual, linear(ctx, path, x)) as tf.Tensor2D;
}

/** RMSNorm as Llama: x * rsqrt(mean(x²) + eps) * weight, over the last axis. */
export function rmsNorm(x: tf.Tensor, w: tf.Tensor, eps: number): tf.Tensor {
  if (fusedKernelActive(RMS_NORM)) return hostRmsNorm(x, w, eps);
  const variance = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(variance, eps))), w);
}

/** LayerNorm over the last axis with biased variance, as torch.nn.LayerNorm. */
export function layerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  if (fusedKernelActive(LAYER_NORM)) return hostLayerNorm(x, w, b, eps);
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), w), b);
}

/**
 * A pre-norm block's input x → [norm(x), x as the residual stream] (normWeights: RMSNorm's [w], or
 * LayerNorm's [w, b]). x's gradient sums the norm's and the residual's: the tape adds them, one add
 * a norm; on WebGPU this op's backward adds the residual's gradient in the norm's own program
 * (NORM_INPUT_GRAD with an addend). The residual output shares x's data.
 */
export function normResidual(x: tf.Tensor2D, normWeights: tf.Tensor[], eps: number): [tf.Tensor2D, tf.Tensor2D] {
  const centred = normWeights.length === 2;
  const [w, b] = normWeights;
  if (!fusedKernelActive(NORM_INPUT_GRAD)) return [(centred ? layerNorm(x, w, b, eps) : rmsNorm(x, w, eps)) as tf.Tensor2D, x];
  const inputs: tf.NamedTensorMap = {};
  [x, ...normWeights].forEach((t, i) => (inputs[String(i)] = t));
  const [h, residual] = (tf.engine() as unknown as CustomOpEngine).runKernelFunc({
    forwardFunc: (_, save) => {
      save([x]);
      const y = centred ? hostLayerNorm(x, w, b, eps) : hostRmsNorm(x, w, eps);
      return [y, tf.clone(x)]; // the clone shares x's data: no dispatch
    },
    backwardsFunc: (dys, [xs]) => {
      const [dh, dr] = dys as tf.Tensor[];
      return { "0": normInputGrad(() => dh, dr, xs, normWeights, eps) };
    },
    inputs,
  });
  return [h as tf.Tensor2D, residual as tf.Tensor2D];
}

/**
 * x's gradient of [norm(x), x] given the norm output's `dh` and the residual stream's `dr`, both summed
 * in NORM_INPUT_GRAD's program, made when asked. The norm's weights never train (kernels/norms.ts).
 */
function normInputGrad(dh: () => tf.Tensor, dr: tf.Tensor, xs: tf.Tensor, normWeights: tf.Tensor[], eps: number): () => tf.Tensor {
  return () => runHostKernel(NORM_INPUT_GRAD, [dh(), xs, normWeights[0], dr], { eps, centred: normWeights.length === 2 })[0];
}

/** SiLU(x) = x·σ(x). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** BLOOM's tanh GELU (modeling_bloom.bloom_gelu_forward), constants as HF writes them. */
export function bloomGelu(x: tf.Tensor): tf.Tensor {
  if (fusedKernelActive(GELU)) return hostBloomGelu(x);
  const inner = tf.mul(tf.mul(x, BLOOM_GELU.sqrt2OverPi), tf.add(1, tf.mul(BLOOM_GELU.cubic, tf.square(x))));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

/** silu(gate) · up, SwiGLU's gating. */
export function swigluProduct(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  return fusedKernelActive(SWIGLU) ? hostSwiglu(gate, up) : tf.mul(silu(gate), up);
}

/**
 * Llama's MLP after its norm: x + down(silu(gate(h)) * up(h)) for h = norm(x) (normLinears), the
 * residual added after down (residualLinear). On WebGPU, when LoRA without dropout adapts all three
 * linears (none with a bias), one op (gpuSwigluMlp).
 */
export function swiglu(ctx: LayerContext, prefix: string, x: tf.Tensor2D, normWeights: tf.Tensor[], eps: number): tf.Tensor2D {
  const paths = ["gate_proj", "up_proj", "down_proj"].map((n) => `${prefix}.${n}`);
  const members = normGroupMembers(ctx, paths);
  if (ctx.lora && members && members.every((m) => !m.f.b)) return gpuSwigluMlp(x, members, ctx.lora.scaling, { weights: normWeights, eps });
  const { outs, residual } = normLinears(ctx, x, normWeights, eps, paths.slice(0, 2));
  return residualLinear(ctx, paths[2], swigluProduct(outs[0], outs[1]) as tf.Tensor2D, residual);
}

/**
 * Llama's MLP with its norm as one op on WebGPU: NORM_DOWN for gate and up, their tiled products
 * with the gating in the same program (swigluForward), then the down projection with the residual
 * (4 dispatches); backward, the gating's gradient in the down projection's dx program (swigluDx),
 * then gate and up as a group's and the norm's (8).
 */
function gpuSwigluMlp(x: tf.Tensor2D, members: GroupMember[], scaling: number, norm: { weights: tf.Tensor[]; eps: number }): tf.Tensor2D {
  const [gate, up, down] = members.map(gpuMember);
  const inputs: tf.NamedTensorMap = {};
  [x, gate.A, up.A, gate.B, up.B, down.A, down.B, ...norm.weights].forEach((t, i) => (inputs[String(i)] = t));
  const [out] = (tf.engine() as unknown as CustomOpEngine).runKernelFunc({
    forwardFunc: (_, save) => {
      const [h, downGU] = normDown(x, norm.weights, [gate.A, up.A], norm.eps);
      const [act, gu] = swigluForward(h, downGU, [gate, up], scaling);
      const downD = groupDown(act, [down.A]);
      save([x, h, downGU, gu, act, downD]);
      return groupForward(act, downD, [down], scaling, x); // [N, H], x added
    },
    backwardsFunc: (dys, saved) => {
      const g = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor2D;
      const [xs, h, downGU, gu, act, downD] = saved as tf.Tensor2D[];
      const uD = groupU([g], [down.B]);
      const [dAd, dBd] = groupDADB(uD, act, [g], downD, scaling, [down.A, down.B]);
      const dGateUp = swigluDx(g, down, uD, gu, scaling); // [dgate, dup]
      const uGU = groupU(dGateUp, [gate.B, up.B]);
      const dGU = groupDADB(uGU, h, dGateUp, downGU, scaling, [gate.A, up.A, gate.B, up.B]); // dA_gate, dA_up, dB_gate, dB_up
      let dh: tf.Tensor2D | null = null;
      const hGrad = () => (dh ??= groupDx(dGateUp, [gate, up], uGU, scaling));
      const dx = normInputGrad(hGrad, g, xs, norm.weights, norm.eps); // the residual's gradient is g
      return Object.fromEntries([dx, ...[...dGU, dAd, dBd].map((d) => () => d)].map((f, i) => [String(i), f]));
    },
    inputs,
  });
  return out as tf.Tensor2D;
}

/**
 * Inverse RoPE frequencies for `dim` rotary dims, with the config's scaling applied, rounded
 * through `bufferDtype`: PyTorch's inv_freq is a module buffer, so a model that was converted to
 * its storage dtype (model.to(torch.bfloat16), as when the checkpoint was made) carries
 * inv_freq rounded to that dtype even after converting back to float32.
 */
export function ropeInvFreq(dim: number, theta: number, scaling: RopeScaling, bufferDtype: StorageDtype = "F32"): Float64Array {
  const inv = new Float64Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) inv[i] = 1 / theta ** ((2 * i) / dim);
  if (scaling.type === "linear") for (let i = 0; i < inv.length; i++) inv[i] /= scaling.factor;
  if (scaling.type === "llama3") {
    // transformers modeling_rope_utils._compute_llama3_parameters: long wavelengths are divided by
    // `factor`, short ones kept, the band between interpolated smoothly.
    const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: old } = scaling;
    const lowWavelen = old / lowFreqFactor;
    const highWavelen = old / highFreqFactor;
    for (let i = 0; i < inv.length; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > lowWavelen) inv[i] = inv[i] / factor;
      else if (wavelen >= highWavelen) {
        const smooth = (old / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        inv[i] = ((1 - smooth) * inv[i]) / factor + smooth * inv[i];
      }
    }
  }
  const round =
    bufferDtype === "BF16"
      ? (v: number) => bf16ToF32(f32ToBf16(v))
      : bufferDtype === "F16"
        ? (v: number) => f16ToF32(f32ToF16(v))
        : Math.fround;
  return inv.map(round);
}

function bf16ToF32(bits: number): number {
  return new Float32Array(new Uint32Array([bits << 16]).buffer)[0];
}

/** cos/sin of each position's angles, [positions.length, headDim] row-major (HF: emb = cat(freqs, freqs)). */
function ropeAngles(invFreq: Float64Array, positions: readonly number[]): { cos: Float32Array; sin: Float32Array } {
  const half = invFreq.length;
  const cos = new Float32Array(positions.length * 2 * half);
  const sin = new Float32Array(positions.length * 2 * half);
  positions.forEach((p, t) => {
    for (let i = 0; i < half; i++) {
      // HF computes the angle in float32; rounding it the same way keeps long positions aligned.
      const angle = Math.fround(Math.fround(invFreq[i]) * p);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[t * 2 * half + i] = cos[t * 2 * half + half + i] = c;
      sin[t * 2 * half + i] = sin[t * 2 * half + half + i] = s;
    }
  });
  return { cos, sin };
}

/** cos/sin tables [T, headDim] for positions start..start+T-1, shared by every row. */
export function ropeTables(invFreq: Float64Array, start: number, T: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const { cos, sin } = ropeAngles(
    invFreq,
    Array.from({ length: T }, (_, t) => start + t),
  );
  return { cos: tf.tensor2d(cos, [T, 2 * invFreq.length]), sin: tf.tensor2d(sin, [T, 2 * invFreq.length]) };
}

/** cos/sin tables [B·T, headDim]: each row's own positions (packed rows: position ids restart at each sequence). */
export function ropeRowTables(invFreq: Float64Array, positions: number[][]): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const { cos, sin } = ropeAngles(invFreq, positions.flat());
  const shape: [number, number] = [positions.length * positions[0].length, 2 * invFreq.length];
  return { cos: tf.tensor2d(cos, shape), sin: tf.tensor2d(sin, shape) };
}

/**
 * x·cos + rotate_half(x)·sin on x [B, nH, T, headDim]; rotate_half(x) = cat(-x2, x1). cos/sin are
 * [T, headDim], or [B·T, headDim] with each batch row's own positions (packed rows).
 */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor4D {
  if (hostKernelsActive()) return hostRope(x, cos, sin);
  const [B, , T, d] = x.shape;
  const perRow = (t: tf.Tensor2D) => (t.shape[0] === T ? t : tf.reshape(t, [B, 1, T, d])); // [B, 1, T, d]
  const half = d / 2;
  const [x1, x2] = tf.split(x, [half, half], 3);
  const rotated = tf.concat([tf.neg(x2), x1], 3);
  return tf.add(tf.mul(x, perRow(cos)), tf.mul(rotated, perRow(sin)));
}

/**
 * Packed rows' position ids: in an attention mask that numbers each row's sequences (1, 2, …; 0 is
 * padding, see engine/batch.ts), each token's offset in its own sequence. Null when no row holds more
 * than one sequence (every value 0 or 1), where positions simply count.
 */
export function packedPositions(mask: number[][]): number[][] | null {
  if (!mask.some((row) => row.some((m) => m > 1))) return null;
  return mask.map((row) => {
    let start = 0;
    return row.map((m, j) => {
      if (j > 0 && m !== row[j - 1]) start = j;
      return m === 0 ? 0 : j - start;
    });
  });
}

/**
 * ALiBi slopes exactly as HF BLOOM's build_alibi_tensor: geometric for the closest power of two,
 * then every other slope of the next power of two for the remaining heads.
 */
export function alibiSlopes(numHeads: number): Float32Array {
  const closest = 2 ** Math.floor(Math.log2(numHeads));
  const base = 2 ** -(2 ** -(Math.log2(closest) - 3));
  const slopes: number[] = [];
  for (let p = 1; p <= closest; p++) slopes.push(Math.fround(base ** p));
  if (closest !== numHeads) {
    const extraBase = 2 ** -(2 ** -(Math.log2(2 * closest) - 3));
    const remaining = Math.min(closest, numHeads - closest);
    for (let p = 1; p < 1 + 2 * remaining; p += 2) slopes.push(Math.fround(extraBase ** p));
  }
  return Float32Array.from(slopes);
}

/**
 * Additive attention bias [B, 1, T, Tk]: 0 where query t (absolute position past+t) may see key j
 * (j ≤ past+t and the key is not padding), a large negative number elsewhere. In packed rows, whose
 * mask numbers the sequences, a query sees only its own sequence's keys: the block-diagonal causal
 * mask that padding-free training gives (transformers' packed_sequence_mask_function).
 */
export function causalPaddingBias(mask: number[][], T: number): tf.Tensor4D {
  const B = mask.length;
  const Tk = mask[0].length;
  const past = Tk - T;
  const out = new Float32Array(B * T * Tk);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const own = mask[b][past + t];
      for (let j = 0; j < Tk; j++) {
        const m = mask[b][j];
        out[(b * T + t) * Tk + j] = j <= past + t && m && (own === 0 || m === own) ? 0 : -1e9;
      }
    }
  return tf.tensor4d(out, [B, 1, T, Tk]);
}

/**
 * Scaled dot-product attention with grouped-query heads. q [B, nH, T, d], k/v [B, nKV, Tk, d],
 * bias broadcastable to [B, nH, T, Tk]. Query head h reads kv head floor(h / (nH/nKV)), which is
 * what HF's repeat_kv produces, done here by folding the group into the query length.
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor): tf.Tensor3D {
  if (hostKernelsActive()) return hostAttention(q, k, v, bias);
  const [B, nH, T, d] = q.shape;
  const [, nKV, Tk] = k.shape;
  const group = nH / nKV;
  const qg = tf.reshape(q, [B, nKV, group * T, d]); // [B, nKV, g·T, d]
  const scores = tf.mul(tf.matMul(qg, k, false, true), 1 / Math.sqrt(d)); // [B, nKV, g·T, Tk]
  const biased = tf.add(tf.reshape(scores, [B, nH, T, Tk]), bias); // [B, nH, T, Tk]
  const probs = tf.reshape(tf.softmax(biased, -1), [B, nKV, group * T, Tk]);
  const ctxv = tf.reshape(tf.matMul(probs, v), [B, nH, T, d]); // [B, nH, T, d]
  return tf.reshape(tf.transpose(ctxv, [0, 2, 1, 3]), [B, T, nH * d]); // [B, T, nH·d]
}
