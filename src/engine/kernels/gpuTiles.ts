// The WGSL of a tiled matrix product, for the programs of ours that fuse a matmul with what follows
// it (gpuLoraGroup.ts: a frozen product with its LoRA term, bias and residual; the input's gradient
// with its low-rank term), which tfjs-webgpu's matmul cannot (it takes a bias and an activation).
// The usual layout: a workgroup of 16 × 16 threads computes a 64 × 64 tile of the output, each
// thread 4 × 4 of it, stepping through the inner dimension 16 at a time with both operands' slices
// in workgroup memory (8 KB of the 16 KB WebGPU guarantees).

import type { MultiProgram } from "./gpuPipeline";

/** Output rows and columns of a workgroup's tile, and the threads of a workgroup. */
export const TILE = 64;
const TILE_THREADS: [number, number] = [16, 16];
const STEP = 16;
const THREADS = TILE_THREADS[0] * TILE_THREADS[1];

/**
 * A tiled program: its workgroup memory and shape, and its body opened with the thread (tx, ty), its
 * index t, the tile's first row `row0` (workgroups' y), the output rows `M` (the uniform M, which
 * the program declares) and 16 zeroed accumulators `acc`, row i column j of the thread's 4 × 4 at 4i + j.
 */
export const tiled = (p: Omit<MultiProgram, "helpers" | "workgroup">): MultiProgram => ({
  ...p,
  helpers: `
var<workgroup> tileA : array<f32, ${TILE * STEP}>;
var<workgroup> tileB : array<f32, ${TILE * STEP}>;`,
  workgroup: TILE_THREADS,
  body: `
  let tx = i32(lid.x);
  let ty = i32(lid.y);
  let t = ty * ${TILE_THREADS[0]} + tx;
  let row0 = i32(wid.y) * ${TILE};
  let M = uniforms.M;
  var acc : array<f32, 16>;
  ${p.body}`,
});

export interface Operands {
  /** WGSL reading the left operand at row m, inner index k (both i32 lets in scope, in range). */
  a: (m: string, k: string) => string;
  /** WGSL reading the right operand at inner index k, output column n (in range). */
  b: (k: string, n: string) => string;
  /** Whether consecutive inner indices of b are adjacent in memory (a weight [out, in] read as its transpose). */
  bAlongInner: boolean;
  /** WGSL of the inner length, the output rows and the output columns. */
  inner: string;
  rows: string;
  cols: string;
  /** WGSL of the tile's first output column. */
  col0: string;
}

/**
 * WGSL adding Σ_k a(m, k)·b(k, n) to `acc` for the thread's outputs. Every thread of the workgroup must
 * reach it (it waits at barriers): branch around it only on values uniform over the workgroup.
 */
export function tileProduct(o: Operands): string {
  const bAt = o.bAlongInner ? ["e % 16", "e / 16"] : ["e / 64", "e % 64"]; // [k, n] of element e of the slice
  return `
  for (var k0 = 0; k0 < ${o.inner}; k0 = k0 + ${STEP}) {
    for (var q = 0; q < ${(TILE * STEP) / THREADS}; q = q + 1) {
      let e = t + q * ${THREADS};
      {
        let m = row0 + e / ${STEP};
        let k = k0 + e % ${STEP};
        var v = 0.0;
        if (m < ${o.rows} && k < ${o.inner}) { v = ${o.a("m", "k")}; }
        tileA[e] = v;
      }
      {
        let k = ${bAt[0]};
        let n = ${bAt[1]};
        var v = 0.0;
        if (k0 + k < ${o.inner} && ${o.col0} + n < ${o.cols}) { v = ${o.b(`(k0 + k)`, `(${o.col0} + n)`)}; }
        tileB[k * ${TILE} + n] = v;
      }
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${STEP}; kk = kk + 1) {
      let a0 = tileA[(ty * 4) * ${STEP} + kk];
      let a1 = tileA[(ty * 4 + 1) * ${STEP} + kk];
      let a2 = tileA[(ty * 4 + 2) * ${STEP} + kk];
      let a3 = tileA[(ty * 4 + 3) * ${STEP} + kk];
      for (var j = 0; j < 4; j = j + 1) {
        let bv = tileB[kk * ${TILE} + tx * 4 + j];
        acc[j] = acc[j] + a0 * bv;
        acc[4 + j] = acc[4 + j] + a1 * bv;
        acc[8 + j] = acc[8 + j] + a2 * bv;
        acc[12 + j] = acc[12 + j] + a3 * bv;
      }
    }
    workgroupBarrier();
  }`;
}

/** WGSL running `body` for each of the thread's outputs in range: row m, column n, the product `v`. */
export const tileOutputs = (rows: string, cols: string, col0: string, body: string) => `
  for (var i = 0; i < 4; i = i + 1) {
    let m = row0 + ty * 4 + i;
    for (var j = 0; j < 4; j = j + 1) {
      let n = ${col0} + tx * 4 + j;
      if (m < ${rows} && n < ${cols}) {
        let v = acc[i * 4 + j];
        ${body}
      }
    }
  }`;

/** Workgroups across `cols` output columns. */
export const tilesOver = (cols: number) => Math.ceil(cols / TILE);
