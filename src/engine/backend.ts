// Choosing the tfjs backend. The only module that probes the environment (navigator.gpu);
// backends are imported lazily so a CPU-only run never loads WebGPU or WASM code.

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { BackendError } from "./errors";
import { HOST_BACKENDS, shareIdentityOnWasm } from "./kernels/host";
import { loadSimdKernels } from "./kernels/simd/simd";

import type { BackendName } from "../core/protocol";

/**
 * The WebGPU adapter behind the webgpu backend, or null for other backends. A software adapter
 * (SwiftShader, or one the browser marks as a fallback) runs shaders on the CPU, where the wasm
 * backend is usually faster; the page says so.
 */
export async function describeAdapter(name: BackendName): Promise<{ description: string; software: boolean } | null> {
  if (name !== "webgpu") return null;
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  const adapter = (await gpu?.requestAdapter()) as {
    info?: { vendor?: string; architecture?: string; description?: string };
    isFallbackAdapter?: boolean;
  } | null;
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") || "unnamed adapter";
  return { description, software: adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software/i.test(description) };
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
}
