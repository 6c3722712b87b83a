// The SIMD kernels (assembly/index.ts, compiled into kernelsWasm.ts) and the memory they work in.
// A host kernel copies its inputs into this module's memory, calls the kernels on their offsets and
// copies the results out: the copies are a few microseconds for a layer's activations, the loops
// they buy run several times faster than the same loops in JavaScript.

import { KERNELS_WASM_BASE64, type KernelExports } from "./kernelsWasm";

/** What the kernels call: every exported function but the arena's own. */
export type SimdKernels = Omit<KernelExports, "heapBase">;

interface Exports extends KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
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
    this.top = residentTop(k);
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

  /** A copy of `values` [rows, cols] transposed to [cols, rows]; returns its byte offset. */
  putTransposed(values: Float32Array, rows: number, cols: number): number {
    const at = this.reserve(values.length);
    transposeInto(heap(this.k), at >> 2, values, rows, cols);
    return at;
  }

  /** Copies the floats at `at` into `out`. */
  get(at: number, out: Float32Array): void {
    out.set(heap(this.k).subarray(at >> 2, (at >> 2) + out.length));
  }

  /** Copies n floats from offset `from` to offset `to`. */
  copy(to: number, from: number, n: number): void {
    heap(this.k).copyWithin(to >> 2, from >> 2, (from >> 2) + n);
  }

  private reserve(n: number): number {
    const at = this.top;
    this.top = align(at + 4 * n);
    growTo(this.k, this.top);
    return at;
  }
}

/** Grows the module's memory to hold `end` bytes. */
function growTo(k: Exports, end: number): void {
  const missing = end - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / PAGE));
}

/** One view of the whole memory, made again only after the memory grew (which detaches the old one). */
let view: Float32Array | null = null;
function heap(k: Exports): Float32Array {
  if (view?.buffer !== k.memory.buffer) view = new Float32Array(k.memory.buffer);
  return view;
}

const align = (n: number) => (n + 15) & ~15;

/** values [rows, cols] written transposed into mem from float index `base`. */
function transposeInto(mem: Float32Array, base: number, values: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mem[base + c * rows + r] = values[r * cols + c];
}

/** Runs `f` with the kernels and a fresh arena (the memory is reused from call to call). */
export function withSimd<T>(f: (k: SimdKernels, arena: Arena) => T): T {
  const k = kernels();
  return f(k, new Arena(k));
}

/** A frozen matrix [rows, cols] to keep in the module's memory, by its tensor's data id; `transposed` keeps [cols, rows]. */
export interface ResidentMatrix {
  key: object;
  values: () => Float32Array;
  rows: number;
  cols: number;
  transposed: boolean;
}

/**
 * The most the kept matrices may take. Past it they are all dropped and copied again as asked: a
 * caller keeps within it (a model whose matrices do not fit would copy them on every call).
 */
export const RESIDENT_MAX_BYTES = 64 * 1024 * 1024;

/** Kept matrices, from the heap base up, below every arena: their offsets by data id and layout, and where the arenas start. */
let residents = new WeakMap<object, Map<boolean, number>>();
let residentEnd = -1;

function residentTop(k: Exports): number {
  if (residentEnd < 0) residentEnd = align(k.heapBase());
  return residentEnd;
}

/**
 * Runs `f` like withSimd, with the offsets of `matrices` in the module's memory: each copied in on
 * its first use (transposed where asked) and kept for the calls after, so that a layer's frozen
 * weights are not copied on every step. Resolved before the arena exists, whose base they move.
 */
export function withResidentSimd<T>(matrices: ResidentMatrix[], f: (k: SimdKernels, arena: Arena, at: number[]) => T): T {
  const k = kernels();
  const missing = matrices.filter((w) => residents.get(w.key)?.get(w.transposed) === undefined);
  const bytes = missing.reduce((n, w) => n + align(4 * w.rows * w.cols), 0);
  if (bytes > RESIDENT_MAX_BYTES)
    throw new Error(`internal: ${bytes} bytes of resident matrices asked at once, past ${RESIDENT_MAX_BYTES}`);
  if (residentTop(k) - align(k.heapBase()) + bytes > RESIDENT_MAX_BYTES) {
    residents = new WeakMap();
    residentEnd = align(k.heapBase());
  }
  const at = matrices.map((w) => residents.get(w.key)?.get(w.transposed) ?? keep(k, w));
  return f(k, new Arena(k), at);
}

function keep(k: Exports, w: ResidentMatrix): number {
  const at = residentTop(k);
  residentEnd = align(at + 4 * w.rows * w.cols);
  growTo(k, residentEnd);
  const values = w.values();
  const mem = heap(k);
  const base = at >> 2;
  if (!w.transposed) mem.set(values, base);
  else transposeInto(mem, base, values, w.rows, w.cols);
  const layouts = residents.get(w.key) ?? new Map<boolean, number>();
  layouts.set(w.transposed, at);
  residents.set(w.key, layouts);
  return at;
}
