// WebGPU programs for LoRA linears that read the same input (a layer's q/k/v projections, its
// gate/up; or one linear), which layers.loraGroup drives: the frozen product and the low-rank term in
// one tiled program (gpuTiles.ts), one program for each other low-rank step of the whole group, and
// the input's gradient summed inside instead of by the tape's adds. With k linears of rank r reading
// x [N, in], member j's frozen w_j [out_j, in] (and bias), A_j [r, in], B_j [out_j, r], and s the scaling:
//   DOWN     down = x·[A_0; …]ᵀ [N, k·r]                                   (gpuProgram's runner)
//   FORWARD  y_j = x·w_jᵀ + b_j + s·down_j·B_jᵀ (+ the residual after a group of one)
//   U        u = [g_0·B_0, …] [N, k·r] for the outputs' gradients g_j
//   DX       dx = Σ_j g_j·w_j + s·Σ_j u_j·A_j
//   DA       dA_j = s·u_jᵀ·x, every j in one dispatch                      (gpuPipeline.ts)
//   DB       dB_j = s·g_jᵀ·down_j, every j in one dispatch                 (gpuPipeline.ts)
// and around them: NORM_DOWN, the norm before a group with DOWN; SWIGLU_FORWARD, Llama's gate and up
// with the gating after them (DX with `swiglu` has the gating's gradient). DA and DB also write into
// the optimizer's state when a gradient sink is open (gpuAdamW.ts). A program binds at most WebGPU's
// default 8 storage buffers, so FORWARD takes two members a dispatch (one with biases) and DX two.
// q/k/v without biases: forward 3 dispatches, backward 5; gate/up 2 and 4; a group of one 2 and 3
// (DA and DB one program, LORA_ONE_DADB). Before the tiled programs the frozen products were tfjs
// matmuls of their own: k + 2 and k + 4. None has a gradient: they run inside layers.ts's ops
// (gpuLoraGroup, gpuSwigluMlp), whose backward is written out.

import * as tf from "@tensorflow/tfjs-core";
import { elementwise, GROUP, MAX_GROUPS, registerGpu, ROW_STATS, ROW_SUM } from "./gpuProgram";
import { ints, record, runMulti, type MultiProgram } from "./gpuPipeline";
import { TILE, tiled, tileOutputs, tileProduct, tilesOver } from "./gpuTiles";
import { sinkFor } from "./gpuAdamW";
import { fusedKernelActive, runHostKernel } from "./host";

export const LORA_GROUP_DOWN = "PlaygroundGpuLoraGroupDown";
export const NORM_DOWN = "PlaygroundGpuNormDown";
const LORA_SWIGLU_FORWARD = "PlaygroundGpuLoraSwigluForward";
const LORA_GROUP_FORWARD = "PlaygroundGpuLoraGroupForward";
const LORA_GROUP_U = "PlaygroundGpuLoraGroupU";
const LORA_GROUP_DX = "PlaygroundGpuLoraGroupDx";
const LORA_GROUP_DA = "PlaygroundGpuLoraGroupDA";
const LORA_GROUP_DB = "PlaygroundGpuLoraGroupDB";
const LORA_ONE_DADB = "PlaygroundGpuLoraOneDADB";

/** Most linears in a group: DB binds the k gradients, down and the k outputs. */
export const MAX_GROUP = 3;
/** Storage buffers a program may bind: WebGPU's default maxStorageBuffersPerShaderStage, which tfjs-webgpu keeps. */
const MAX_BUFFERS = 8;

interface ForwardAttrs {
  scaling: number;
  /** The first member's place in the group (its columns of down) and the group's size. */
  first: number;
  k: number;
  bias: boolean;
  /** A residual [N, out] added too (a group of one: a layer's output projection). */
  residual: boolean;
}
interface DxAttrs {
  scaling: number;
  first: number;
  k: number;
  /** Add to dx (the last input), updated in place, instead of making it. */
  accumulate: boolean;
  /** Instead of dx, SwiGLU's gradients [dgate, dup] given dx, from [gate | up] (the last input; a group of one). */
  swiglu?: boolean;
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

// x [N, H], the norm's w (and b: LayerNorm), A_0 … → h = norm(x) [N, H] and down = h·[A_0; …]ᵀ [N, k·r]:
// a workgroup per row, its statistics, then h and down from them (down's threads read x, not h).
registerGpu<{ eps: number; centred: boolean }>(NORM_DOWN, (inputs, b, { eps, centred }) => {
  const [x] = inputs;
  const as = inputs.slice(centred ? 3 : 2);
  const [N, H] = x.shape;
  const k = as.length;
  const r = as[0].shape[0];
  const normed = (c: string) => `((x[n * H + ${c}] - mean) * rstd * w[${c}]${centred ? ` + nb[${c}]` : ""})`;
  const program: MultiProgram = {
    key: `norm_down_${k}_${centred}`,
    inputs: ["x", "w", ...(centred ? ["nb"] : []), ...names("a", k)],
    updated: [],
    outputs: ["h", "down"],
    uniforms: "N : i32, H : i32, eps : f32, R : i32,",
    helpers: `var<private> localId : vec3<u32>;\n${ROW_SUM}`,
    workgroup: [GROUP, 1],
    body: `
      localId = lid;
      let n = i32(wid.x) + i32(wid.y) * uniforms.groupsX;
      if (n >= uniforms.N) { return; }
      let H = uniforms.H;
      let R = uniforms.R;
      ${ROW_STATS(centred)}
      for (var c = i32(lid.x); c < H; c = c + ${GROUP}) { h[n * H + c] = ${normed("c")}; }
      for (var o = i32(lid.x); o < ${k} * R; o = o + ${GROUP}) {
        let j = o / R;
        let i = o % R;
        var s = 0.0;
        ${forMember(k, "j", (m) => `for (var c = 0; c < H; c = c + 1) { s = s + ${normed("c")} * a${m}[i * H + c]; }`)}
        down[n * ${k} * R + o] = s;
      }`,
  };
  const x0 = Math.min(N, MAX_GROUPS);
  const grid: [number, number] = [x0, Math.ceil(N / x0)];
  return runMulti(
    b,
    program,
    inputs,
    [],
    [
      [N, H],
      [N, k * r],
    ],
    [...ints(N, H), f32(eps), ...ints(r)],
    { grid },
  );
});

/** WGSL: the tile's x·wᵀ for x [M, K] and a frozen weight `w` [cols, K] (the programs' `M`, `K` and `col0`). */
const inputTimesWeight = (w: string, cols: string) =>
  tileProduct({
    a: (m, k) => `x[${m} * K + ${k}]`,
    b: (k, n) => `${w}[${n} * K + ${k}]`,
    bAlongInner: true,
    inner: "K",
    rows: "M",
    cols,
    col0: "col0",
  });

// x [N, in], down [N, k·r], then each member's w [out_j, in] (, bias [out_j]) and B [out_j, r] (, the
// residual [N, out] after a group of one) → y_j = x·w_jᵀ (+ bias) + s·down_j·B_jᵀ (+ the residual), for
// the members from `first` on: a tiled product each, side by side in one dispatch.
registerGpu<ForwardAttrs>(LORA_GROUP_FORWARD, (inputs, b, { scaling, first, k, bias, residual }) => {
  const [x, down] = inputs;
  const per = bias ? 3 : 2;
  const c = (inputs.length - 2 - (residual ? 1 : 0)) / per;
  const [M, K] = x.shape;
  const widths = members(c).map((j) => inputs[2 + j * per].shape[0]);
  const tiles = widths.map(tilesOver);
  const member = (j: number) => {
    const N = `uniforms.n${j}`;
    const col0 = j === 0 ? "tile * " + TILE : `(tile - uniforms.t1) * ${TILE}`;
    return `{
      let col0 = ${col0};
      ${inputTimesWeight(`w${j}`, N)}
      ${tileOutputs(
        "M",
        N,
        "col0",
        `var low = 0.0;
        for (var q = 0; q < R; q = q + 1) { low = low + down[m * uniforms.KR + (uniforms.first + ${j}) * R + q] * b${j}[n * R + q]; }
        y${j}[m * ${N} + n] = v + low * uniforms.s${bias ? ` + bias${j}[n]` : ""}${residual ? ` + residual[m * ${N} + n]` : ""};`,
      )}
    }`;
  };
  const program = tiled({
    key: `lora_group_forward_${c}_${bias}_${residual}`,
    inputs: [
      "x",
      "down",
      ...members(c).flatMap((j) => [`w${j}`, ...(bias ? [`bias${j}`] : []), `b${j}`]),
      ...(residual ? ["residual"] : []),
    ],
    updated: [],
    outputs: names("y", c),
    uniforms: "M : i32, K : i32, R : i32, KR : i32, first : i32, s : f32, n0 : i32, n1 : i32, t1 : i32,",
    body: `
      let K = uniforms.K;
      let R = uniforms.R;
      let tile = i32(wid.x);
      ${c === 1 ? member(0) : `if (tile < uniforms.t1) ${member(0)} else ${member(1)}`}`,
  });
  const r = down.shape[1] / k;
  const uniforms = [...ints(M, K, r, k * r, first), f32(scaling), ...ints(widths[0], widths[1] ?? 0, tiles[0])];
  const shapes = widths.map((w) => [M, w]);
  return runMulti(b, program, inputs, [], shapes, uniforms, { grid: [tiles.reduce((a, t) => a + t, 0), tilesOver(M)] });
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

// u [N, k·r], then each member's g [N, out_j], w [out_j, in] and A [r, in] (, dx to add to, updated in
// place) → dx [N, in] (+)= Σ_j g_j·w_j + s·Σ_j u_j·A_j over the members from `first` on: one tiled
// product running through the members' inner dimensions in turn, the low-rank terms after it.
registerGpu<DxAttrs>(LORA_GROUP_DX, (inputs, b, { scaling, first, k, accumulate, swiglu }) => {
  const u = inputs[0];
  const c = (inputs.length - 1 - (accumulate || swiglu ? 1 : 0)) / 3;
  const [M, C] = [u.shape[0], inputs[2].shape[1]];
  const widths = members(c).map((j) => inputs[1 + 3 * j].shape[1]);
  const program = tiled({
    key: `lora_group_dx_${c}_${accumulate}_${swiglu}`,
    inputs: ["u", ...members(c).flatMap((j) => [`g${j}`, `w${j}`, `a${j}`]), ...(swiglu ? ["gu"] : [])],
    updated: accumulate ? ["dx"] : [],
    outputs: swiglu ? ["dgate", "dup"] : accumulate ? [] : ["dx"],
    uniforms: "M : i32, C : i32, R : i32, KR : i32, first : i32, s : f32, n0 : i32, n1 : i32,",
    body: `
      let C = uniforms.C;
      let R = uniforms.R;
      let col0 = i32(wid.x) * ${TILE};
      ${members(c)
        .map((j) =>
          tileProduct({
            a: (m, k) => `g${j}[${m} * uniforms.n${j} + ${k}]`,
            b: (k, n) => `w${j}[${k} * C + ${n}]`,
            bAlongInner: false,
            inner: `uniforms.n${j}`,
            rows: "M",
            cols: "C",
            col0: "col0",
          }),
        )
        .join("\n")}
      ${tileOutputs(
        "M",
        "C",
        "col0",
        `var low = 0.0;
        for (var q = 0; q < R; q = q + 1) {
          ${members(c)
            .map((j) => `low = low + u[m * uniforms.KR + (uniforms.first + ${j}) * R + q] * a${j}[q * C + n];`)
            .join("\n          ")}
        }
        ${swiglu ? SWIGLU_GRAD_STORE : `dx[m * C + n] = ${accumulate ? "dx[m * C + n] + " : ""}v + low * uniforms.s;`}`,
      )}`,
  });
  const r = u.shape[1] / k;
  const uniforms = [...ints(M, C, r, k * r, first), f32(scaling), ...ints(widths[0], widths[1] ?? 0)];
  const grid: [number, number] = [tilesOver(C), tilesOver(M)];
  const [read, updated] = accumulate ? [inputs.slice(0, -1), inputs.slice(-1)] : [inputs, []];
  const shapes = swiglu
    ? [
        [M, C],
        [M, C],
      ]
    : accumulate
      ? []
      : [[M, C]];
  return runMulti(b, program, read, updated, shapes, uniforms, { grid });
});

// SwiGLU's backward after the down projection's dx (DX with `swiglu`): from dx = dh and the saved
// gate and up side by side in gu [N, 2·C], as gpu.ts's SWIGLU_GRAD.
const SWIGLU_GRAD_STORE = `let dh = v + low * uniforms.s;
        let g = gu[m * 2 * C + n];
        let up = gu[m * 2 * C + C + n];
        let sg = 1.0 / (1.0 + exp(-g));
        dgate[m * C + n] = dh * up * sg * (1.0 + g * (1.0 - sg));
        dup[m * C + n] = dh * g * sg;`;

// x [N, in], down [N, 2·r], gate's w [I, in] and B [I, r], up's → act = silu(gate)·up [N, I] and gu =
// [gate | up] [N, 2·I] (SwiGLU's backward reads them): each LoRA linear a tiled product into its own
// accumulators, in the same workgroup, so that the gating needs no program of its own.
registerGpu<{ scaling: number }>(LORA_SWIGLU_FORWARD, (inputs, b, { scaling }) => {
  const [x, , , bg] = inputs; // x, down, wg, bg, wu, bu
  const [M, K] = x.shape;
  const [I, r] = bg.shape;
  const program = tiled({
    key: "lora_swiglu_forward",
    inputs: ["x", "down", "wg", "bg", "wu", "bu"],
    updated: [],
    outputs: ["act", "gu"],
    uniforms: "M : i32, K : i32, R : i32, I : i32, s : f32,",
    body: `
      let K = uniforms.K;
      let R = uniforms.R;
      let I = uniforms.I;
      let col0 = i32(wid.x) * ${TILE};
      ${inputTimesWeight("wg", "I")}
      let gates = acc;
      acc = array<f32, 16>();
      ${inputTimesWeight("wu", "I")}
      ${tileOutputs(
        "M",
        "I",
        "col0",
        `var lg = 0.0;
        var lu = 0.0;
        for (var q = 0; q < R; q = q + 1) {
          lg = lg + down[m * 2 * R + q] * bg[n * R + q];
          lu = lu + down[m * 2 * R + R + q] * bu[n * R + q];
        }
        let g = gates[i * 4 + j] + lg * uniforms.s;
        let up = v + lu * uniforms.s;
        gu[m * 2 * I + n] = g;
        gu[m * 2 * I + I + n] = up;
        act[m * I + n] = g / (1.0 + exp(-g)) * up;`,
      )}`,
  });
  const uniforms = [...ints(M, K, r, I), f32(scaling)];
  return runMulti(
    b,
    program,
    inputs,
    [],
    [
      [M, I],
      [M, 2 * I],
    ],
    uniforms,
    { grid: [tilesOver(I), tilesOver(M)] },
  );
});

/**
 * The gradient programs' attributes: with `sink` (the optimizer's flat state, the last input), each
 * output is written there too, output i at offset sink[i] (gpuAdamW.ts's gradient sink).
 */
interface GradAttrs {
  scaling: number;
  sink?: number[];
}
const SINK_UNIFORMS = "so0 : i32, so1 : i32, so2 : i32,";
const sinkUniforms = (sink?: number[]) => (sink ? ints(...[0, 1, 2].map((i) => sink[i] ?? 0)) : []);
/** WGSL storing `acc · s` at `at` of `out`, the program's output i, and at its place in the state when sunk. */
const store = (out: string, at: string, i: number, sunk: boolean) =>
  `${out}[${at}] = acc * uniforms.s;${sunk ? ` state[uniforms.so${i} + ${at}] = acc * uniforms.s;` : ""}`;

// u [N, k·r], x [N, in] → dA_j = s·u_jᵀ·x [r, in], each j.
registerGpu<GradAttrs & { k: number }>(LORA_GROUP_DA, ([u, x, state], b, { scaling, k, sink }) => {
  const [N, width] = x.shape;
  const r = u.shape[1] / k;
  const program: MultiProgram = {
    key: `lora_group_da_${k}_${!!sink}`,
    inputs: ["u", "x"],
    updated: sink ? ["state"] : [],
    outputs: names("da", k),
    uniforms: `N : i32, r : i32, width : i32, s : f32, ${sink ? SINK_UNIFORMS : ""}`,
    body: `
      let W = uniforms.width;
      let R = uniforms.r;
      let j = index / (R * W);
      let at = index % (R * W);
      let i = at / W;
      let h = at % W;
      var acc = 0.0;
      for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + u[n * ${k} * R + j * R + i] * x[n * W + h]; }
      ${forMember(k, "j", (m) => store(`da${m}`, "at", m, !!sink))}`,
  };
  const shapes = members(k).map(() => [r, width]);
  const uniforms = [...ints(N, r, width), f32(scaling), ...sinkUniforms(sink)];
  return record(b, program, [u, x], sink ? [state] : [], shapes, uniforms, k * r * width);
});

// g_0 …, down [N, k·r] → dB_j = s·g_jᵀ·down_j [out_j, r], each j.
registerGpu<GradAttrs>(LORA_GROUP_DB, (inputs, b, { scaling, sink }) => {
  const k = inputs.length - (sink ? 2 : 1);
  const gs = inputs.slice(0, k);
  const down = inputs[k];
  const N = down.shape[0];
  const r = down.shape[1] / k;
  const widths = gs.map((g) => g.shape[1]);
  const o = offsets(widths);
  const program: MultiProgram = {
    key: `lora_group_db_${k}_${!!sink}`,
    inputs: [...names("g", k), "down"],
    updated: sink ? ["state"] : [],
    outputs: names("db", k),
    uniforms: `N : i32, r : i32, s : f32, ${OFFSETS} ${sink ? SINK_UNIFORMS : ""}`,
    body: `
      let R = uniforms.r;
      let col = index / R;
      let i = index % R;
      ${byMember(
        k,
        (j) => `var acc = 0.0;
        for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + g${j}[n * w + c] * down[n * ${k} * R + ${j} * R + i]; }
        ${store(`db${j}`, "c * R + i", j, !!sink)}`,
      )}`,
  };
  const shapes = widths.map((w) => [w, r]);
  const uniforms = [...ints(N, r), f32(scaling), ...ints(...o), ...sinkUniforms(sink)];
  return record(b, program, inputs.slice(0, k + 1), inputs.slice(k + 1), shapes, uniforms, o[MAX_GROUP - 1] * r);
});

// A group of one: u [N, r], x [N, in], g [N, out], down [N, r] → dA = s·uᵀ·x [r, in] and dB = s·gᵀ·down [out, r], one dispatch.
registerGpu<GradAttrs>(LORA_ONE_DADB, ([u, x, g, down, state], b, { scaling, sink }) => {
  const [N, width] = x.shape;
  const [r, out] = [u.shape[1], g.shape[1]];
  const program: MultiProgram = {
    key: `lora_one_dadb_${!!sink}`,
    inputs: ["u", "x", "g", "down"],
    updated: sink ? ["state"] : [],
    outputs: ["da", "db"],
    uniforms: `N : i32, r : i32, width : i32, out : i32, s : f32, ${sink ? SINK_UNIFORMS : ""}`,
    body: `
      let R = uniforms.r;
      let W = uniforms.width;
      var acc = 0.0;
      if (index < R * W) {
        let i = index / W;
        let h = index % W;
        for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + u[n * R + i] * x[n * W + h]; }
        ${store("da", "index", 0, !!sink)}
      } else {
        let at = index - R * W;
        let c = at / R;
        let i = at % R;
        for (var n = 0; n < uniforms.N; n = n + 1) { acc = acc + g[n * uniforms.out + c] * down[n * R + i]; }
        ${store("db", "at", 1, !!sink)}
      }`,
  };
  return record(
    b,
    program,
    [u, x, g, down],
    sink ? [state] : [],
    [
      [r, width],
      [out, r],
    ],
    [...ints(N, r, width, out), f32(scaling), ...sinkUniforms(sink)],
    r * width + out * r,
  );
});

const run = (name: string, inputs: tf.Tensor[], attrs: object = {}) => runHostKernel(name, inputs, attrs) as tf.Tensor2D[];

/** x·[A_0; …]ᵀ [N, k·r]. */
export const groupDown = (x: tf.Tensor2D, as: tf.Tensor[]) => run(LORA_GROUP_DOWN, [x, ...as])[0];
/** [norm(x), norm(x)·[A_0; …]ᵀ]: RMSNorm with `normWeights` [w], LayerNorm with [w, b]. */
export const normDown = (x: tf.Tensor2D, normWeights: tf.Tensor[], as: tf.Tensor[], eps: number) =>
  run(NORM_DOWN, [x, ...normWeights, ...as], { eps, centred: normWeights.length === 2 });
/** A member of a group as FORWARD and DX read it: the frozen weight [out, in], its bias, the adapter's A and B. */
export interface GpuMember {
  w: tf.Tensor;
  b?: tf.Tensor;
  A: tf.Tensor;
  B: tf.Tensor;
}

/** The members in runs of consecutive ones that one dispatch binds: `fixed` buffers, `per(m)` a member, all with a bias or none. */
function dispatches(ms: GpuMember[], fixed: number, per: (m: GpuMember) => number): number[][] {
  const runs: number[][] = [];
  ms.forEach((m, j) => {
    const last = runs.at(-1);
    const used = last ? fixed + last.reduce((a, i) => a + per(ms[i]), 0) : Infinity;
    if (last && used + per(m) <= MAX_BUFFERS && !m.b === !ms[last[0]].b && last.length < 2) last.push(j);
    else runs.push([j]);
  });
  return runs;
}

/** y_j = x·w_jᵀ + b_j + s·down_j·B_jᵀ for each member (+ `residual` after a group of one). */
export function groupForward(x: tf.Tensor2D, down: tf.Tensor2D, ms: GpuMember[], scaling: number, residual?: tf.Tensor): tf.Tensor2D[] {
  const fixed = 2 + (residual ? 1 : 0);
  return dispatches(ms, fixed, (m) => (m.b ? 4 : 3)).flatMap((chunk) =>
    run(
      LORA_GROUP_FORWARD,
      [x, down, ...chunk.flatMap((j) => [ms[j].w, ...(ms[j].b ? [ms[j].b!] : []), ms[j].B]), ...(residual ? [residual] : [])],
      { scaling, first: chunk[0], k: ms.length, bias: ms[chunk[0]].b !== undefined, residual: residual !== undefined },
    ),
  );
}
/** [g_0·B_0, …] [N, k·r]. */
export const groupU = (gs: tf.Tensor[], bs: tf.Tensor[]) => run(LORA_GROUP_U, [...gs, ...bs])[0];
/** Σ_j g_j·w_j + s·Σ_j u_j·A_j, two members a dispatch, the later ones added in place. */
export function groupDx(gs: tf.Tensor[], ms: GpuMember[], u: tf.Tensor2D, scaling: number): tf.Tensor2D {
  let dx: tf.Tensor2D | null = null;
  for (const chunk of dispatches(ms, 2, () => 3)) {
    const inputs = [u, ...chunk.flatMap((j) => [gs[j], ms[j].w, ms[j].A]), ...(dx ? [dx] : [])];
    const [next] = run(LORA_GROUP_DX, inputs, { scaling, first: chunk[0], k: ms.length, accumulate: dx !== null });
    dx?.dispose(); // its data lives on in `next`
    dx = next;
  }
  return dx!;
}
/** [silu(gate)·up, [gate | up]] for gate and up, LoRA linears reading x, and down = x·[A_gate; A_up]ᵀ. */
export const swigluForward = (x: tf.Tensor2D, down: tf.Tensor2D, [gate, up]: GpuMember[], scaling: number) =>
  run(LORA_SWIGLU_FORWARD, [x, down, gate.w, gate.B, up.w, up.B], { scaling });
/** [dgate, dup]: SwiGLU's gradients through the down projection `m` (g·w + s·u·A), from gu = [gate | up]. */
export const swigluDx = (g: tf.Tensor, m: GpuMember, u: tf.Tensor2D, gu: tf.Tensor2D, scaling: number) =>
  run(LORA_GROUP_DX, [u, g, m.w, m.A, gu], { scaling, first: 0, k: 1, accumulate: false, swiglu: true });
/**
 * [dA_0, …, dB_0, …]: s·u_jᵀ·x and s·g_jᵀ·down_j for each j (a group of one: one dispatch for both),
 * the gradients of `params` ([A_0, …, B_0, …]); written into the optimizer's state too when a
 * gradient sink holds them (gpuAdamW.ts).
 */
export function groupDADB(
  u: tf.Tensor2D,
  x: tf.Tensor2D,
  gs: tf.Tensor[],
  down: tf.Tensor2D,
  scaling: number,
  params: tf.Tensor[],
): tf.Tensor2D[] {
  const k = gs.length;
  const sink = sinkFor(params);
  // The state as the last input and the outputs' offsets in it (those of params[from, to)), when sunk.
  const state = sink ? [sink.state] : [];
  const attrs = (from: number, to: number): GradAttrs => ({ scaling, sink: sink?.offsets.slice(from, to) });
  const grads =
    k === 1
      ? run(LORA_ONE_DADB, [u, x, gs[0], down, ...state], attrs(0, 2))
      : [...run(LORA_GROUP_DA, [u, x, ...state], { ...attrs(0, k), k }), ...run(LORA_GROUP_DB, [...gs, down, ...state], attrs(k, 2 * k))];
  if (sink) grads.forEach((g, i) => sink.written.set(g.dataId, sink.offsets[i]));
  return grads;
}

/** Whether the group's programs run here (webgpu, fused kernels on). */
export const gpuLoraGroupActive = (): boolean => fusedKernelActive(LORA_GROUP_DOWN);
