// WebGPU programs for LoRA linears that read the same input (a layer's q/k/v projections, its
// gate/up), which layers.loraGroup drives: one program for each low-rank step of the whole group
// instead of one per linear, and the input's gradient summed inside instead of by the tape's adds.
// The frozen products stay tfjs-webgpu's matmuls (a linear each: no concatenated copy of the
// weights). With k linears (k ≤ 3: WebGPU's default 8 storage buffers a stage) of rank r reading
// x [N, in], member j's A_j [r, in], B_j [out_j, r], and s the scaling:
//   DOWN  down = x·[A_0; …]ᵀ [N, k·r]                       (gpuProgram's runner)
//   UP    y_j += s·down_j·B_jᵀ, in place on the frozen products y_j = x·w_jᵀ + b_j  (gpuPipeline.ts)
//   U     u = [g_0·B_0, …] [N, k·r] for the outputs' gradients g_j
//   DX    dx = Σ_j g_j·w_j + s·Σ_j u_j·A_j, from the frozen products g_j·w_j
//   DA    dA_j = s·u_jᵀ·x, every j in one dispatch          (gpuPipeline.ts)
//   DB    dB_j = s·g_jᵀ·down_j, every j in one dispatch     (gpuPipeline.ts)
// Forward k + 2 dispatches and backward k + 4, where k single linears took 3k and 5k (and the tape
// k − 1 adds). A group of one (every other LoRA linear on WebGPU) takes 3 and 4: DA and DB are one
// program (LORA_ONE_DADB), and UP adds the residual that follows it (a layer's output projections).
// None has a gradient: they run inside loraGroup's op, whose backward is written out.

import * as tf from "@tensorflow/tfjs-core";
import { elementwise, registerGpu } from "./gpuProgram";
import { ints, runMulti, type MultiProgram } from "./gpuPipeline";
import { fusedKernelActive, runHostKernel } from "./host";

export const LORA_GROUP_DOWN = "PlaygroundGpuLoraGroupDown";
const LORA_GROUP_UP = "PlaygroundGpuLoraGroupUp";
const LORA_GROUP_U = "PlaygroundGpuLoraGroupU";
const LORA_GROUP_DX = "PlaygroundGpuLoraGroupDx";
const LORA_GROUP_DA = "PlaygroundGpuLoraGroupDA";
const LORA_GROUP_DB = "PlaygroundGpuLoraGroupDB";
const LORA_ONE_DADB = "PlaygroundGpuLoraOneDADB";

/** Most linears in a group: DX binds the k products, u, the k A's and its output. */
export const MAX_GROUP = 3;

interface UpAttrs {
  scaling: number;
  /** A residual [N, out] added too (a group of one: a layer's output projection). */
  residual: boolean;
}

const members = (k: number) => Array.from({ length: k }, (_, j) => j);
const names = (prefix: string, k: number) => members(k).map((j) => `${prefix}${j}`);
const f32 = (v: number) => ({ type: "float32" as const, data: [v] });

/** Column starts of the k members in [N, Σ out_j] (o1 … o3, the last the total), as uniforms o1, o2, o3. */
function offsets(widths: number[]): number[] {
  const o: number[] = [];
  let total = 0;
  for (const w of widths) o.push((total += w));
  while (o.length < MAX_GROUP) o.push(total);
  return o;
}
const OFFSETS = "o1 : i32, o2 : i32, o3 : i32,";
/**
 * WGSL: for the concatenated column `col`, the member j it falls in, with `c` its column there and
 * `w` that member's width, running `body(j)`.
 */
const byMember = (k: number, body: (j: number) => string) =>
  members(k)
    .map((j) => {
      const start = j === 0 ? "0" : `uniforms.o${j}`;
      const inner = `{ let c = col - ${start}; let w = uniforms.o${j + 1} - ${start}; ${body(j)} }`;
      return j === k - 1 ? inner : `if (col < uniforms.o${j + 1}) ${inner}`;
    })
    .join(" else ");
/** WGSL: `body(j)` for member j = `j` (a uniform-free value). */
const forMember = (k: number, j: string, body: (j: number) => string) =>
  members(k)
    .map((m) => (m === k - 1 ? `{ ${body(m)} }` : `if (${j} == ${m}) { ${body(m)} }`))
    .join(" else ");

// x [N, in], A_0 … → down [N, k·r].
registerGpu<object>(LORA_GROUP_DOWN, ([x, ...as], b) => {
  const [N, width] = x.shape;
  const k = as.length;
  const r = as[0].shape[0];
  const program = elementwise(
    `lora_group_down_${k}`,
    ["x", ...names("a", k)],
    [N, k * r],
    `let j = c / uniforms.r;
      let i = c % uniforms.r;
      let W = uniforms.width;
      var s = 0.0;
      ${forMember(k, "j", (m) => `for (var h = 0; h < W; h = h + 1) { s = s + x[n * W + h] * a${m}[i * W + h]; }`)}
      result[index] = s;`,
    "r : i32, width : i32,",
  );
  return b.runWebGPUProgram(program, [x, ...as], "float32", ints(k * r, r, width));
});

// y_0 … (updated in place), down, B_0 … (, the residual when attrs.residual: k = 1) → y_j + s·down_j·B_jᵀ (+ the residual).
registerGpu<UpAttrs>(LORA_GROUP_UP, (inputs, b, { scaling, residual }) => {
  const k = (inputs.length - (residual ? 2 : 1)) / 2;
  const ys = inputs.slice(0, k);
  const bs = inputs.slice(k + 1, 2 * k + 1);
  const N = ys[0].shape[0];
  const r = bs[0].shape[1];
  const widths = ys.map((y) => y.shape[1]);
  const program: MultiProgram = {
    key: `lora_group_up_${k}_${residual}`,
    inputs: ["down", ...names("b", k), ...(residual ? ["residual"] : [])],
    updated: names("y", k),
    outputs: [],
    uniforms: `W : i32, r : i32, s : f32, ${OFFSETS}`,
    body: `
      let n = index / uniforms.W;
      let col = index % uniforms.W;
      let R = uniforms.r;
      ${byMember(
        k,
        (j) => `var acc = 0.0;
        for (var i = 0; i < R; i = i + 1) { acc = acc + down[n * ${k} * R + ${j} * R + i] * b${j}[c * R + i]; }
        y${j}[n * w + c] = y${j}[n * w + c] + acc * uniforms.s${residual ? " + residual[n * w + c]" : ""};`,
      )}`,
  };
  const W = offsets(widths)[MAX_GROUP - 1];
  return runMulti(b, program, inputs.slice(k), ys, [], [...ints(W, r), f32(scaling), ...ints(...offsets(widths))], N * W);
});

// g_0 …, B_0 … → u [N, k·r], u[:, j·r + i] = g_j·B_j[:, i].
registerGpu<object>(LORA_GROUP_U, (inputs, b) => {
  const k = inputs.length / 2;
  const [gs, bs] = [inputs.slice(0, k), inputs.slice(k)];
  const N = gs[0].shape[0];
  const r = bs[0].shape[1];
  const program = elementwise(
    `lora_group_u_${k}`,
    [...names("g", k), ...names("b", k)],
    [N, k * r],
    `let j = c / uniforms.r;
      let i = c % uniforms.r;
      let R = uniforms.r;
      var s = 0.0;
      ${forMember(k, "j", (m) => `let w = uniforms.w${m}; for (var o = 0; o < w; o = o + 1) { s = s + g${m}[n * w + o] * b${m}[o * R + i]; }`)}
      result[index] = s;`,
    `r : i32, ${names("w", k)
      .map((w) => `${w} : i32,`)
      .join(" ")}`,
  );
  return b.runWebGPUProgram(program, inputs, "float32", ints(k * r, r, ...gs.map((g) => g.shape[1])));
});

// g_0·w_0 …, u, A_0 … → dx [N, in] = Σ_j g_j·w_j + s·Σ_j u_j·A_j.
registerGpu<{ scaling: number }>(LORA_GROUP_DX, (inputs, b, { scaling }) => {
  const k = (inputs.length - 1) / 2;
  const products = inputs.slice(0, k);
  const r = inputs[k + 1].shape[0]; // A_0 [r, in]
  const program = elementwise(
    `lora_group_dx_${k}`,
    [...names("p", k), "u", ...names("a", k)],
    products[0].shape,
    `let R = uniforms.r;
      let H = uniforms.H;
      var low = 0.0;
      for (var i = 0; i < R; i = i + 1) {
        ${members(k)
          .map((j) => `low = low + u[n * ${k} * R + ${j} * R + i] * a${j}[i * H + c];`)
          .join("\n        ")}
      }
      result[index] = ${members(k)
        .map((j) => `p${j}[index]`)
        .join(" + ")} + low * uniforms.scaling;`,
    "r : i32, scaling : f32,",
  );
  return b.runWebGPUProgram(program, inputs, "float32", [...ints(products[0].shape[1], r), f32(scaling)]);
});

// u [N, k·r], x [N, in] → dA_j = s·u_jᵀ·x [r, in], each j.
registerGpu<{ scaling: number; k: number }>(LORA_GROUP_DA, ([u, x], b, { scaling, k }) => {
  const [N, width] = x.shape;
  const r = u.shape[1] / k;
  const program: MultiProgram = {
    key: `lora_group_da_${k}`,
    inputs: ["u", "x"],
    updated: [],
    outputs: names("da", k),
    uniforms: "N : i32, r : i32, width : i32, s : f32,",
    body: `
      let W = uniforms.width;
      let R = uniforms.r;
      let j = index / (R * W);
      let at = index % (R * W);
      let i = at / W;
      let h = at % W;
      var acc = 0.0;
      for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + u[n * ${k} * R + j * R + i] * x[n * W + h]; }
      ${forMember(k, "j", (m) => `da${m}[at] = acc * uniforms.s;`)}`,
  };
  const shapes = members(k).map(() => [r, width]);
  return runMulti(b, program, [u, x], [], shapes, [...ints(N, r, width), f32(scaling)], k * r * width);
});

// g_0 …, down [N, k·r] → dB_j = s·g_jᵀ·down_j [out_j, r], each j.
registerGpu<{ scaling: number }>(LORA_GROUP_DB, (inputs, b, { scaling }) => {
  const k = inputs.length - 1;
  const gs = inputs.slice(0, k);
  const down = inputs[k];
  const N = down.shape[0];
  const r = down.shape[1] / k;
  const widths = gs.map((g) => g.shape[1]);
  const o = offsets(widths);
  const program: MultiProgram = {
    key: `lora_group_db_${k}`,
    inputs: [...names("g", k), "down"],
    updated: [],
    outputs: names("db", k),
    uniforms: `N : i32, r : i32, s : f32, ${OFFSETS}`,
    body: `
      let R = uniforms.r;
      let col = index / R;
      let i = index % R;
      ${byMember(
        k,
        (j) => `var acc = 0.0;
        for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + g${j}[n * w + c] * down[n * ${k} * R + ${j} * R + i]; }
        db${j}[c * R + i] = acc * uniforms.s;`,
      )}`,
  };
  const shapes = widths.map((w) => [w, r]);
  return runMulti(b, program, inputs, [], shapes, [...ints(N, r), f32(scaling), ...ints(...o)], o[MAX_GROUP - 1] * r);
});

// A group of one: u [N, r], x [N, in], g [N, out], down [N, r] → dA = s·uᵀ·x [r, in] and dB = s·gᵀ·down [out, r], one dispatch.
registerGpu<{ scaling: number }>(LORA_ONE_DADB, ([u, x, g, down], b, { scaling }) => {
  const [N, width] = x.shape;
  const [r, out] = [u.shape[1], g.shape[1]];
  const program: MultiProgram = {
    key: "lora_one_dadb",
    inputs: ["u", "x", "g", "down"],
    updated: [],
    outputs: ["da", "db"],
    uniforms: "N : i32, r : i32, width : i32, out : i32, s : f32,",
    body: `
      let R = uniforms.r;
      let W = uniforms.width;
      var acc = 0.0;
      if (index < R * W) {
        let i = index / W;
        let h = index % W;
        for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + u[n * R + i] * x[n * W + h]; }
        da[index] = acc * uniforms.s;
      } else {
        let at = index - R * W;
        let c = at / R;
        let i = at % R;
        for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + g[n * uniforms.out + c] * down[n * R + i]; }
        db[at] = acc * uniforms.s;
      }`,
  };
  return runMulti(
    b,
    program,
    [u, x, g, down],
    [],
    [
      [r, width],
      [out, r],
    ],
    [...ints(N, r, width, out), f32(scaling)],
    r * width + out * r,
  );
});

const run = (name: string, inputs: tf.Tensor[], attrs: object = {}) => runHostKernel(name, inputs, attrs) as tf.Tensor2D[];

/** x·[A_0; …]ᵀ [N, k·r]. */
export const groupDown = (x: tf.Tensor2D, as: tf.Tensor[]) => run(LORA_GROUP_DOWN, [x, ...as])[0];
/**
 * y_j + s·down_j·B_jᵀ for each j (+ `residual` for a group of one), written into the y_j (tensors the
 * caller made and owns alone).
 */
export const groupUp = (ys: tf.Tensor2D[], down: tf.Tensor2D, bs: tf.Tensor[], scaling: number, residual?: tf.Tensor) =>
  run(LORA_GROUP_UP, [...ys, down, ...bs, ...(residual ? [residual] : [])], { scaling, residual: residual !== undefined });
/** [g_0·B_0, …] [N, k·r]. */
export const groupU = (gs: tf.Tensor[], bs: tf.Tensor[]) => run(LORA_GROUP_U, [...gs, ...bs])[0];
/** Σ_j products_j + s·Σ_j u_j·A_j. */
export const groupDx = (products: tf.Tensor[], u: tf.Tensor2D, as: tf.Tensor[], scaling: number) =>
  run(LORA_GROUP_DX, [...products, u, ...as], { scaling })[0];
/** [dA_0, …, dB_0, …]: s·u_jᵀ·x and s·g_jᵀ·down_j for each j (a group of one: one dispatch for both). */
export const groupDADB = (u: tf.Tensor2D, x: tf.Tensor2D, gs: tf.Tensor[], down: tf.Tensor2D, scaling: number) =>
  gs.length === 1
    ? run(LORA_ONE_DADB, [u, x, gs[0], down], { scaling })
    : [...run(LORA_GROUP_DA, [u, x], { scaling, k: gs.length }), ...run(LORA_GROUP_DB, [...gs, down], { scaling })];

/** Whether the group's programs run here (webgpu, fused kernels on). */
export const gpuLoraGroupActive = (): boolean => fusedKernelActive(LORA_GROUP_DOWN);
