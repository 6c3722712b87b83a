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
