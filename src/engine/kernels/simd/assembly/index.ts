// Kernels in AssemblyScript, compiled to WebAssembly with 128-bit SIMD (npm run build:kernels) for
// the host kernels' arithmetic: V8 runs the same loops as scalar JavaScript at about 1.4 ns a
// multiply-add; four lanes a vector run them several times faster. Pointers are byte offsets of
// float32 arrays in this module's memory, which simd.ts fills and reads.

// ---- Small matrix products (row-major). alpha scales the product; C is accumulated into.

/** The address of float i of the array at p. */
@inline
function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Σ a[k]·b[k] for k < n, four lanes at a time. */
@inline
function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; k < n; k++) s += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>k << 2));
  return s;
}

/** c[k] += alpha·b[k] for k < n. */
@inline
function axpy(alpha: f32, b: usize, c: usize, n: i32): void {
  const av = f32x4.splat(alpha);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    v128.store(c + o, f32x4.add(v128.load(c + o), f32x4.mul(av, v128.load(b + o))));
  }
  for (; k < n; k++) {
    const o = <usize>k << 2;
    store<f32>(c + o, load<f32>(c + o) + alpha * load<f32>(b + o));
  }
}

/** C[M, N] += alpha·A[M, K]·B[N, K]ᵀ. */
export function gemmNT(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, alpha: f32): void {
  for (let i = 0; i < M; i++) {
    const ai = a + ((<usize>i * K) << 2);
    const ci = c + ((<usize>i * N) << 2);
    for (let j = 0; j < N; j++) {
      const p = ci + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + alpha * dot(ai, b + ((<usize>j * K) << 2), K));
    }
  }
}

/**
 * C[M, N] += alpha·A[M, K]·B[K, N], in blocks of 4 rows × 8 columns held in eight vector registers
 * across the whole K loop (each B row loaded once per 4 rows of A); the columns past the last block of
 * 8 go four, then one, at a time. The block is sized for V8's x64 code, which has sixteen vector
 * registers: 4 × 16 blocks (sixteen accumulators) spilled and ran at 27 GFLOP/s here, 4 × 8 at 46.
 */
export function gemmNN(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, alpha: f32): void {
  const N8 = N & ~7;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    for (let j = 0; j < N8; j += 8) block4x8(a, b, c, i, j, N, K, alpha);
    columns(a, b, c, i, 4, N8, M, N, K, alpha);
  }
  for (; i < M; i++) {
    for (let j = 0; j < N8; j += 8) block1x8(a, b, c, i, j, N, K, alpha);
    columns(a, b, c, i, 1, N8, M, N, K, alpha);
  }
}

/** C[i..i+4, j..j+8] += alpha·A[i..i+4, :]·B[:, j..j+8]. */
@inline
function block4x8(a: usize, b: usize, c: usize, i: i32, j: i32, N: i32, K: i32, alpha: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const rowA = <usize>K << 2;
  const rowB = <usize>N << 2;
  let pa = a + <usize>i * rowA;
  let pb = b + (<usize>j << 2);
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + rowA);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + 2 * rowA);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(pa + 3 * rowA);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    pa += 4;
    pb += rowB;
  }
  const al = f32x4.splat(alpha);
  let pc = c + ((<usize>i * N + j) << 2);
  addScaled2(pc, c00, c01, al);
  pc += rowB;
  addScaled2(pc, c10, c11, al);
  pc += rowB;
  addScaled2(pc, c20, c21, al);
  pc += rowB;
  addScaled2(pc, c30, c31, al);
}

/** C[i, j..j+8] += alpha·A[i, :]·B[:, j..j+8]. */
@inline
function block1x8(a: usize, b: usize, c: usize, i: i32, j: i32, N: i32, K: i32, alpha: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  const rowB = <usize>N << 2;
  let pa = a + ((<usize>i * K) << 2);
  let pb = b + (<usize>j << 2);
  for (let k = 0; k < K; k++) {
    const x = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x, v128.load(pb)));
    c01 = f32x4.add(c01, f32x4.mul(x, v128.load(pb, 16)));
    pa += 4;
    pb += rowB;
  }
  addScaled2(c + ((<usize>i * N + j) << 2), c00, c01, f32x4.splat(alpha));
}

/** Eight floats at p += alpha·(r0, r1). */
@inline
function addScaled2(p: usize, r0: v128, r1: v128, alpha: v128): void {
  v128.store(p, f32x4.add(v128.load(p), f32x4.mul(alpha, r0)));
  v128.store(p, f32x4.add(v128.load(p, 16), f32x4.mul(alpha, r1)), 16);
}

/** Rows i..i+rows of C, columns from j0 on (fewer than 8): four at a time, then one. */
@inline
function columns(a: usize, b: usize, c: usize, i: i32, rows: i32, j0: i32, M: i32, N: i32, K: i32, alpha: f32): void {
  for (let r = i; r < i + rows && r < M; r++) {
    const pa = a + ((<usize>r * K) << 2);
    const pc = c + ((<usize>r * N) << 2);
    let j = j0;
    for (; j + 4 <= N; j += 4) {
      let acc = f32x4.splat(0);
      for (let k = 0; k < K; k++) acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(pa + (<usize>k << 2)), v128.load(b + ((<usize>k * N + j) << 2))));
      const p = pc + (<usize>j << 2);
      v128.store(p, f32x4.add(v128.load(p), f32x4.mul(f32x4.splat(alpha), acc)));
    }
    for (; j < N; j++) {
      let acc: f32 = 0;
      for (let k = 0; k < K; k++) acc += load<f32>(pa + (<usize>k << 2)) * load<f32>(b + ((<usize>k * N + j) << 2));
      const p = pc + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + alpha * acc);
    }
  }
}

/** y[k] += x[k] for k < n. */
export function addTo(y: usize, x: usize, n: i32): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const o = <usize>k << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), v128.load(x + o)));
  }
  for (; k < n; k++) store<f32>(y + (<usize>k << 2), load<f32>(y + (<usize>k << 2)) + load<f32>(x + (<usize>k << 2)));
}

/** C[M, N] += alpha·A[K, M]ᵀ·B[K, N]. */
export function gemmTN(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, alpha: f32): void {
  for (let k = 0; k < K; k++) {
    const bk = b + ((<usize>k * N) << 2);
    for (let i = 0; i < M; i++) {
      const x = alpha * load<f32>(a + ((<usize>(k * M + i)) << 2));
      if (x != 0) axpy(x, bk, c + ((<usize>i * N) << 2), N);
    }
  }
}

// ---- exp and SwiGLU.

/**
 * e^x for four lanes: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by its degree-6 Taylor polynomial
 * (relative error below 2e-7, about float32's rounding), 2ⁿ built in the exponent bits. Inputs are
 * clamped to ±87.3, where float32's e^x is still finite and normal.
 */
@inline
function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(87.3));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504)));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.0 / 720.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** sig = σ(gate), y = gate·sig·up over n values. */
export function swiglu(gate: usize, up: usize, y: usize, sig: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(gate + o);
    const s = f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(g))));
    v128.store(sig + o, s);
    v128.store(y + o, f32x4.mul(f32x4.mul(g, s), v128.load(up + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(gate + o);
    const s: f32 = 1 / (1 + Mathf.exp(-g));
    store<f32>(sig + o, s);
    store<f32>(y + o, g * s * load<f32>(up + o));
  }
}

/** dGate = dy·up·σ(g)·(1 + g·(1 − σ(g))), dUp = dy·g·σ(g). */
export function swigluGrad(dy: usize, gate: usize, up: usize, sig: usize, dGate: usize, dUp: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = v128.load(dy + o);
    const g = v128.load(gate + o);
    const s = v128.load(sig + o);
    const ds = f32x4.mul(d, s);
    v128.store(dGate + o, f32x4.mul(f32x4.mul(ds, v128.load(up + o)), f32x4.add(one, f32x4.mul(g, f32x4.sub(one, s)))));
    v128.store(dUp + o, f32x4.mul(ds, g));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(dy + o);
    const g = load<f32>(gate + o);
    const s = load<f32>(sig + o);
    store<f32>(dGate + o, d * load<f32>(up + o) * s * (1 + g * (1 - s)));
    store<f32>(dUp + o, d * g * s);
  }
}

// ---- Cross-entropy over the vocabulary (crossEntropy.ts) and RMSNorm (norms.ts).

/** Σ of four lanes, in float64. */
@inline
function sum4(v: v128): f64 {
  return <f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1) + <f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3);
}

/**
 * One row of logits [V]: writes probs = softmax(logits) and returns −log p(target) = logsumexp − logit[target].
 * The exponentials are summed in float64 per block of 64, so a 250k vocabulary loses no precision.
 */
export function crossEntropyRow(logits: usize, probs: usize, V: i32, target: i32): f64 {
  let m4 = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= V; i += 4) m4 = f32x4.max(m4, v128.load(at(logits, i)));
  let top = max(max(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)), max(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
  for (; i < V; i++) top = max(top, load<f32>(at(logits, i)));
  const mv = f32x4.splat(top);
  let sum: f64 = 0;
  let block = f32x4.splat(0);
  i = 0;
  for (; i + 4 <= V; i += 4) {
    const e = exp4(f32x4.sub(v128.load(at(logits, i)), mv));
    v128.store(at(probs, i), e);
    block = f32x4.add(block, e);
    if ((i & 63) == 60) {
      sum += sum4(block);
      block = f32x4.splat(0);
    }
  }
  sum += sum4(block);
  for (; i < V; i++) {
    const e = Mathf.exp(load<f32>(at(logits, i)) - top);
    store<f32>(at(probs, i), e);
    sum += e;
  }
  const inv = f32x4.splat(<f32>(1 / sum));
  i = 0;
  for (; i + 4 <= V; i += 4) v128.store(at(probs, i), f32x4.mul(v128.load(at(probs, i)), inv));
  for (; i < V; i++) store<f32>(at(probs, i), load<f32>(at(probs, i)) * <f32>(1 / sum));
  return <f64>top + Math.log(sum) - <f64>load<f32>(at(logits, target));
}

/** d(scale · −log p(target))/d logits = scale · (probs − onehot(target)), into grad [V]. */
export function crossEntropyRowGrad(probs: usize, grad: usize, V: i32, target: i32, scale: f32): void {
  const sv = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= V; i += 4) v128.store(at(grad, i), f32x4.mul(v128.load(at(probs, i)), sv));
  for (; i < V; i++) store<f32>(at(grad, i), load<f32>(at(probs, i)) * scale);
  store<f32>(at(grad, target), load<f32>(at(grad, target)) - scale);
}

/** 1 / √(mean(x²) + eps) of one row of H values. */
@inline
function rmsRstd(x: usize, H: i32, eps: f32): f32 {
  let s4 = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= H; i += 4) {
    const v = v128.load(at(x, i));
    s4 = f32x4.add(s4, f32x4.mul(v, v));
  }
  let s = <f32>sum4(s4);
  for (; i < H; i++) s += load<f32>(at(x, i)) * load<f32>(at(x, i));
  return 1 / Mathf.sqrt(s / <f32>H + eps);
}

/** y = x · rstd · w per row of x [rows, H]. */
export function rmsNorm(x: usize, w: usize, y: usize, rows: i32, H: i32, eps: f32): void {
  for (let n = 0; n < rows; n++) {
    const xr = at(x, n * H);
    const yr = at(y, n * H);
    const r = f32x4.splat(rmsRstd(xr, H, eps));
    let i = 0;
    for (; i + 4 <= H; i += 4) v128.store(at(yr, i), f32x4.mul(f32x4.mul(v128.load(at(xr, i)), r), v128.load(at(w, i))));
    for (; i < H; i++) store<f32>(at(yr, i), load<f32>(at(xr, i)) * f32x4.extract_lane(r, 0) * load<f32>(at(w, i)));
  }
}

/** dx = r·w·dy − x·r³/H · Σ w·dy·x per row; dw += dy·x·r (accumulated into). */
export function rmsNormGrad(dy: usize, x: usize, w: usize, dx: usize, dw: usize, rows: i32, H: i32, eps: f32): void {
  for (let n = 0; n < rows; n++) {
    const xr = at(x, n * H);
    const dyr = at(dy, n * H);
    const dxr = at(dx, n * H);
    const r = rmsRstd(xr, H, eps);
    let d4 = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= H; i += 4) d4 = f32x4.add(d4, f32x4.mul(f32x4.mul(v128.load(at(w, i)), v128.load(at(dyr, i))), v128.load(at(xr, i))));
    let dot = <f32>sum4(d4);
    for (; i < H; i++) dot += load<f32>(at(w, i)) * load<f32>(at(dyr, i)) * load<f32>(at(xr, i));
    const c = f32x4.splat((dot * r * r * r) / <f32>H);
    const rv = f32x4.splat(r);
    i = 0;
    for (; i + 4 <= H; i += 4) {
      const xv = v128.load(at(xr, i));
      const dyv = v128.load(at(dyr, i));
      v128.store(at(dxr, i), f32x4.sub(f32x4.mul(f32x4.mul(rv, v128.load(at(w, i))), dyv), f32x4.mul(c, xv)));
      v128.store(at(dw, i), f32x4.add(v128.load(at(dw, i)), f32x4.mul(f32x4.mul(dyv, xv), rv)));
    }
    for (; i < H; i++) {
      const xv = load<f32>(at(xr, i));
      const dyv = load<f32>(at(dyr, i));
      store<f32>(at(dxr, i), r * load<f32>(at(w, i)) * dyv - f32x4.extract_lane(c, 0) * xv);
      store<f32>(at(dw, i), load<f32>(at(dw, i)) + dyv * xv * r);
    }
  }
}

// ---- Attention on head-major q [B, nH, T, d], k/v [B, nKV, Tk, d] (attention.ts says what each computes).

/** A bias at or below this masks its key (causalPaddingBias writes −1e9; ALiBi adds at most a few hundred). */
const MASKED: f32 = -1e8;

/** softmax(q·kᵀ/√d + bias)·v → out [B, T, nH·d] (accumulated into) and probs [B, nH, T, Tk]; row: Tk floats of scratch. */
export function attentionForward(
  q: usize, k: usize, v: usize, bias: usize, out: usize, probs: usize, row: usize,
  B: i32, nH: i32, nKV: i32, T: i32, Tk: i32, d: i32, bb: i32, bh: i32, bt: i32,
): void {
  const group = nH / nKV;
  const scale: f32 = 1 / Mathf.sqrt(<f32>d);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < nH; h++) {
      const kv = (b * nKV + h / group) * Tk * d;
      for (let t = 0; t < T; t++) {
        const qo = ((b * nH + h) * T + t) * d;
        const bo = b * bb + h * bh + t * bt;
        let max: f32 = -Infinity;
        for (let j = 0; j < Tk; j++) {
          const bj = load<f32>(at(bias, bo + j));
          // A masked key gets weight exp(−1e9 − max) = 0: its dot product is skipped.
          let s: f32 = -Infinity;
          if (bj > MASKED) {
            s = dot(at(q, qo), at(k, kv + j * d), d) * scale + bj;
            if (s > max) max = s;
          }
          store<f32>(at(row, j), s);
        }
        if (max == -Infinity) {
          for (let j = 0; j < Tk; j++) store<f32>(at(row, j), 0); // every key masked: uniform
          max = 0;
        }
        let sum: f32 = 0;
        const mv = f32x4.splat(max);
        let j = 0;
        for (; j + 4 <= Tk; j += 4) {
          const x = v128.load(at(row, j));
          // exp4 clamps −∞ to a tiny number: a masked key's weight is set back to 0.
          const e = v128.and(exp4(f32x4.sub(x, mv)), f32x4.ne(x, f32x4.splat(-Infinity)));
          v128.store(at(row, j), e);
          sum += <f32>sum4(e);
        }
        for (; j < Tk; j++) {
          const e = Mathf.exp(load<f32>(at(row, j)) - max);
          store<f32>(at(row, j), e);
          sum += e;
        }
        const po = ((b * nH + h) * T + t) * Tk;
        const oo = (b * T + t) * nH * d + h * d;
        for (let j = 0; j < Tk; j++) {
          const p = load<f32>(at(row, j)) / sum;
          store<f32>(at(probs, po + j), p);
          if (p != 0) axpy(p, at(v, kv + j * d), at(out, oo), d);
        }
      }
    }
}

/** attentionForward's backward into head-major dq, dk, dv (accumulated into); ds: T·Tk floats of scratch. */
export function attentionBackward(
  dOut: usize, probs: usize, q: usize, k: usize, v: usize, dq: usize, dk: usize, dv: usize, ds: usize,
  B: i32, nH: i32, nKV: i32, T: i32, Tk: i32, d: i32,
): void {
  const group = nH / nKV;
  const scale: f32 = 1 / Mathf.sqrt(<f32>d);
  const row = nH * d; // dOut's stride between queries
  for (let b = 0; b < B; b++)
    for (let h = 0; h < nH; h++) {
      const kv = (b * nKV + h / group) * Tk * d;
      const qh = (b * nH + h) * T * d;
      const ph = (b * nH + h) * T * Tk;
      const oh = b * T * row + h * d;
      for (let t = 0; t < T; t++) {
        const po = ph + t * Tk;
        let expected: f32 = 0; // Σⱼ P·dP
        for (let j = 0; j < Tk; j++) {
          const p = load<f32>(at(probs, po + j));
          const dp: f32 = p == 0 ? 0 : dot(at(dOut, oh + t * row), at(v, kv + j * d), d);
          store<f32>(at(ds, t * Tk + j), dp);
          expected += p * dp;
        }
        for (let j = 0; j < Tk; j++) {
          const x = load<f32>(at(probs, po + j)) * (load<f32>(at(ds, t * Tk + j)) - expected) * scale;
          store<f32>(at(ds, t * Tk + j), x);
          if (x != 0) axpy(x, at(k, kv + j * d), at(dq, qh + t * d), d);
        }
      }
      for (let j = 0; j < Tk; j++)
        for (let t = 0; t < T; t++) {
          const p = load<f32>(at(probs, ph + t * Tk + j));
          if (p != 0) axpy(p, at(dOut, oh + t * row), at(dv, kv + j * d), d);
          const x = load<f32>(at(ds, t * Tk + j));
          if (x != 0) axpy(x, at(q, qh + t * d), at(dk, kv + j * d), d);
        }
    }
}

// ---- Between the projections' rows and head-major arrays, and rotary embeddings (rowAttention.ts).

/**
 * Copies n heads of d values from rows (row (b, t), head h at (b·T + t)·rowWidth + h·headStride +
 * offset) into heads [B, n, T, d], or with `scatter` adds them back into the rows.
 */
export function rowsToHeads(
  rows: usize, heads: usize, B: i32, T: i32, n: i32, d: i32, rowWidth: i32, headStride: i32, offset: i32, scatter: bool,
): void {
  for (let b = 0; b < B; b++)
    for (let h = 0; h < n; h++)
      for (let t = 0; t < T; t++) {
        const r = at(rows, (b * T + t) * rowWidth + h * headStride + offset);
        const hd = at(heads, ((b * n + h) * T + t) * d);
        if (scatter) axpy(1, hd, r, d);
        else memory.copy(hd, r, <usize>d << 2);
      }
}

/**
 * x [rows of d, T per sequence], cos/sin [T, d]: y = x·cos + rotate_half(x)·sin with rotate_half(x) =
 * cat(−x₂, x₁); `transpose` applies the transposed map (the backward): dx = dy·cos + rotate_halfᵀ(dy·sin).
 * span > 0: the tables are [B·T, d], one block of T per batch row (packed rows' own positions), and x
 * holds span rows per batch row (heads × T); span 0: one [T, d] for every row.
 */
export function rope(x: usize, cos: usize, sin: usize, out: usize, rows: i32, T: i32, d: i32, transpose: bool, span: i32): void {
  const half = d / 2;
  // transpose (the gradient): out₁ = a·c₁ + b·s₂, out₂ = b·c₂ − a·s₁; else out₁ = a·c₁ − b·s₁, out₂ = b·c₂ + a·s₂.
  const sign = f32x4.splat(transpose ? 1 : -1);
  for (let n = 0; n < rows; n++) {
    const o = n * d;
    const r = ((span > 0 ? (n / span) * T : 0) + (n % T)) * d;
    let i = 0;
    for (; i + 4 <= half; i += 4) {
      const a = v128.load(at(x, o + i));
      const b = v128.load(at(x, o + i + half));
      const c1 = v128.load(at(cos, r + i));
      const c2 = v128.load(at(cos, r + i + half));
      const s1 = v128.load(at(sin, r + i));
      const s2 = v128.load(at(sin, r + i + half));
      const first = f32x4.add(f32x4.mul(a, c1), f32x4.mul(sign, f32x4.mul(b, transpose ? s2 : s1)));
      const second = f32x4.sub(f32x4.mul(b, c2), f32x4.mul(sign, f32x4.mul(a, transpose ? s1 : s2)));
      v128.store(at(out, o + i), first);
      v128.store(at(out, o + i + half), second);
    }
    for (; i < half; i++) {
      const a = load<f32>(at(x, o + i));
      const b = load<f32>(at(x, o + i + half));
      const c1 = load<f32>(at(cos, r + i));
      const c2 = load<f32>(at(cos, r + i + half));
      const s1 = load<f32>(at(sin, r + i));
      const s2 = load<f32>(at(sin, r + i + half));
      if (transpose) {
        store<f32>(at(out, o + i), a * c1 + b * s2);
        store<f32>(at(out, o + i + half), b * c2 - a * s1);
      } else {
        store<f32>(at(out, o + i), a * c1 - b * s1);
        store<f32>(at(out, o + i + half), b * c2 + a * s2);
      }
    }
  }
}

// ---- AdamW (optimizer.ts): torch.optim.AdamW's single-tensor update, in float32 as torch computes it.

/**
 * p, m, v updated in place from g over n values; step = lr / (1 − β₁ᵗ), decay = 1 − lr·weight_decay.
 * 1 − β comes computed in float64, as torch passes it (1 − β rounded after the subtraction).
 */
export function adamw(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  clip: f32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, decay: f32, step: f32, sqrtBc2: f32,
): void {
  const c = f32x4.splat(clip);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const nb1 = f32x4.splat(oneMinusBeta1);
  const nb2 = f32x4.splat(oneMinusBeta2);
  const e = f32x4.splat(eps);
  const dc = f32x4.splat(decay);
  const st = f32x4.splat(step);
  const sb = f32x4.splat(sqrtBc2);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gi = f32x4.mul(v128.load(at(g, i)), c);
    const mi = f32x4.add(f32x4.mul(v128.load(at(m, i)), b1), f32x4.mul(gi, nb1));
    const vi = f32x4.add(f32x4.mul(v128.load(at(v, i)), b2), f32x4.mul(f32x4.mul(gi, gi), nb2));
    v128.store(at(m, i), mi);
    v128.store(at(v, i), vi);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), sb), e);
    v128.store(at(p, i), f32x4.sub(f32x4.mul(v128.load(at(p, i)), dc), f32x4.mul(f32x4.div(mi, denom), st)));
  }
  for (; i < n; i++) {
    const gi = load<f32>(at(g, i)) * clip;
    const mi = load<f32>(at(m, i)) * beta1 + gi * oneMinusBeta1;
    const vi = load<f32>(at(v, i)) * beta2 + gi * gi * oneMinusBeta2;
    store<f32>(at(m, i), mi);
    store<f32>(at(v, i), vi);
    store<f32>(at(p, i), load<f32>(at(p, i)) * decay - (mi / (Mathf.sqrt(vi) / sqrtBc2 + eps)) * step);
  }
}

/** Where simd.ts may start placing arrays. */
export function heapBase(): usize {
  return __heap_base;
}
