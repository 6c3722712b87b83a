// Choosing the tfjs backend. The only module that probes the environment (navigator.gpu);
// backends are imported lazily so a CPU-only run never loads WebGPU or WASM code.

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { BackendError } from "./errors";
import { HOST_BACKENDS, shareIdentityOnWasm } from "./kernels/host";
import { loadSimdKernels } from "./kernels/simd/simd";

import type { BackendName } from "../core/protocol";

/** Renderers that run a GPU's work on the CPU: Chrome's SwiftShader, Mesa's llvmpipe/lavapipe/softpipe, Windows' WARP. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/**
 * The GPU behind the webgpu or webgl backend (null for the others, or where there is none). A
 * software one (SwiftShader, or an adapter the browser marks as a fallback) runs shaders on the CPU,
 * where the wasm backend is usually faster; the page says so.
 */
export async function describeAdapter(name: BackendName): Promise<{ description: string; software: boolean } | null> {
  if (name === "webgl") return describeWebglRenderer();
  if (name !== "webgpu") return null;
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  const adapter = (await gpu?.requestAdapter()) as {
    info?: { vendor?: string; architecture?: string; description?: string };
    isFallbackAdapter?: boolean;
  } | null;
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") || "unnamed adapter";
  return { description, software: adapter.isFallbackAdapter === true || SOFTWARE_RENDERER.test(description) };
}

/** WebGL's renderer string, unmasked where the browser allows (WEBGL_debug_renderer_info), from a throwaway context. */
function describeWebglRenderer(): { description: string; software: boolean } | null {
  const Canvas = (globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown } }).OffscreenCanvas;
  if (!Canvas) return null;
  const canvas = new Canvas(1, 1);
  // The few WebGL members used, typed here: the engine compiles without the DOM's types.
  const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as {
    RENDERER: number;
    getParameter(name: number): unknown;
    getExtension(name: string): { UNMASKED_RENDERER_WEBGL?: number; loseContext?(): void } | null;
  } | null;
  if (!gl) return null;
  const debug = gl.getExtension("WEBGL_debug_renderer_info");
  const description = String(gl.getParameter(debug?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER));
  gl.getExtension("WEBGL_lose_context")?.loseContext?.();
  return { description, software: SOFTWARE_RENDERER.test(description) };
}

/**
 * tfjs-backend-wasm is wasm32: one linear memory of at most 4 GiB for every tensor. WebGPU's limit
 * that bites first is the largest single buffer (the logits); its total memory is not queryable.
 */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;

export interface MemoryLimits {
  backend: string;
  /** All tensors together; null where unknown (cpu: the JS heap; webgpu: not exposed). */
  totalBytes: number | null;
  /** One tensor; null where unbounded. */
  tensorBytes: number | null;
}

/** What the active backend can hold, as far as it says. */
export function memoryLimits(): MemoryLimits {
  const backend = tf.getBackend();
  if (backend === "wasm") return { backend, totalBytes: WASM_MEMORY_BYTES, tensorBytes: null };
  const limits = (tf.backend() as { device?: { limits?: { maxStorageBufferBindingSize: number; maxBufferSize: number } } }).device?.limits;
  const tensorBytes = limits ? Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) : null;
  return { backend, totalBytes: null, tensorBytes };
}

/** Dispatches recorded into one command buffer before tfjs-webgpu submits it (see setBackend). */
export const WEBGPU_SUBMIT_BATCH = 128;

/** Registers (if needed) and activates a backend; throws a BackendError when it cannot run here. */
export async function setBackend(name: BackendName): Promise<void> {
  if ((HOST_BACKENDS as readonly string[]).includes(name)) await loadSimdKernels();
  if (name === "cpu") await import("@tensorflow/tfjs-backend-cpu");
  if (name === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    shareIdentityOnWasm();
  }
  if (name === "webgl") {
    const g = globalThis as { OffscreenCanvas?: unknown; document?: unknown };
    if (!g.OffscreenCanvas && !g.document) {
      throw new BackendError(
        name,
        "unavailable",
        `backend "webgl" is not available here: this runtime has no canvas (neither document nor OffscreenCanvas).`,
      );
    }
    await import("@tensorflow/tfjs-backend-webgl");
  }
  if (name === "webgpu") {
    const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    if (!nav?.gpu) {
      throw new BackendError(
        name,
        "unavailable",
        `backend "webgpu" is not available here: this runtime has no WebGPU (navigator.gpu is missing).`,
      );
    }
    await import("@tensorflow/tfjs-backend-webgpu");
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new BackendError(name, "init-failed", `backend "${name}" failed to initialise: ${(e as Error).message.replace(/\.$/, "")}.`);
  }
  if (!ok) throw new BackendError(name, "init-failed", `backend "${name}" failed to initialise (tfjs gave no reason).`);
  // tfjs-webgpu submits its command encoder every WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE dispatches (15 by
  // default: 456 submits a SmolLM2-135M step). A training step reads back once (the loss and the
  // norm, trainer.ts), which submits what is pending; in between, a larger batch only holds the
  // buffers freed since the last submit a little longer (backend_webgpu.js, submitQueue).
  if (name === "webgpu") tf.env().set("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", WEBGPU_SUBMIT_BATCH);
}
