// The SIMD kernels (assembly/index.ts, compiled into kernelsWasm.ts) and the memory they work in.
// A host kernel copies its inputs into this module's memory, calls the kernels on their offsets and
// copies the results out: the copies are a few microseconds for a layer's activations, the loops
// they buy run several times faster than the same loops in JavaScript.

import { KERNELS_WASM_BASE64 } from "./kernelsWasm";

export interface SimdKernels {
  gemmNT(a: number, b: number, c: number, M: number, N: number, K: number, alpha: number): void;
  gemmNN(a: number, b: number, c: number, M: number, N: number, K: number, alpha: number): void;
  gemmTN(a: number, b: number, c: number, M: number, N: number, K: number, alpha: number): void;
  swiglu(gate: number, up: number, y: number, sig: number, n: number): void;
  swigluGrad(dy: number, gate: number, up: number, sig: number, dGate: number, dUp: number, n: number): void;
  // prettier-ignore
  adamw(p: number, g: number, m: number, v: number, n: number,
    clip: number, beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number,
    eps: number, decay: number, step: number, sqrtBc2: number): void;
  crossEntropyRow(logits: number, probs: number, V: number, target: number): number;
  crossEntropyRowGrad(probs: number, grad: number, V: number, target: number, scale: number): void;
  rmsNorm(x: number, w: number, y: number, rows: number, H: number, eps: number): void;
  rmsNormGrad(dy: number, x: number, w: number, dx: number, dw: number, rows: number, H: number, eps: number): void;
  // prettier-ignore
  rowsToHeads(rows: number, heads: number, B: number, T: number, n: number, d: number,
    rowWidth: number, headStride: number, offset: number, scatter: boolean): void;
  rope(x: number, cos: number, sin: number, out: number, rows: number, T: number, d: number, transpose: boolean): void;
  // prettier-ignore
  attentionForward(q: number, k: number, v: number, bias: number, out: number, probs: number, row: number,
    B: number, nH: number, nKV: number, T: number, Tk: number, d: number, bb: number, bh: number, bt: number): void;
  // prettier-ignore
  attentionBackward(dOut: number, probs: number, q: number, k: number, v: number, dq: number, dk: number, dv: number, ds: number,
    B: number, nH: number, nKV: number, T: number, Tk: number, d: number): void;
}

interface Exports extends SimdKernels {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
}

/** The WebAssembly API as used here: src/engine compiles without the DOM library, which declares it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: unknown } }>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;
let exports: Exports | null = null;

function bytes(): Uint8Array {
  const text = atob(KERNELS_WASM_BASE64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Compiles the module ahead of its first use (setBackend does, for the host backends): a page's main thread may not compile synchronously. */
export async function loadSimdKernels(): Promise<void> {
  if (exports) return;
  const { instance } = await wasm.instantiate(bytes());
  exports ??= instance.exports as unknown as Exports;
}

function kernels(): Exports {
  // Node and workers may compile a module this small synchronously.
  exports ??= new wasm.Instance(new wasm.Module(bytes())).exports as unknown as Exports;
  return exports;
}

/** Arrays placed in the module's memory for one call, from its heap base up (16-byte aligned for the vector loads). */
export class Arena {
  private top: number;

  constructor(private k: Exports) {
    this.top = align(k.heapBase());
  }

  /** Room for n floats, zeroed; returns the byte offset. */
  zeros(n: number): number {
    const at = this.reserve(n);
    heap(this.k).fill(0, at >> 2, (at >> 2) + n);
    return at;
  }

  /** A copy of `values`; returns its byte offset. */
  put(values: Float32Array): number {
    const at = this.reserve(values.length);
    heap(this.k).set(values, at >> 2);
    return at;
  }

  /** Copies the floats at `at` into `out`. */
  get(at: number, out: Float32Array): void {
    out.set(heap(this.k).subarray(at >> 2, (at >> 2) + out.length));
  }

  private reserve(n: number): number {
    const at = this.top;
    this.top = align(at + 4 * n);
    const missing = this.top - this.k.memory.buffer.byteLength;
    if (missing > 0) this.k.memory.grow(Math.ceil(missing / PAGE));
    return at;
  }
}

/** One view of the whole memory, made again only after the memory grew (which detaches the old one). */
let view: Float32Array | null = null;
function heap(k: Exports): Float32Array {
  if (view?.buffer !== k.memory.buffer) view = new Float32Array(k.memory.buffer);
  return view;
}

const align = (n: number) => (n + 15) & ~15;

/** Runs `f` with the kernels and a fresh arena (the memory is reused from call to call). */
export function withSimd<T>(f: (k: SimdKernels, arena: Arena) => T): T {
  const k = kernels();
  return f(k, new Arena(k));
}
