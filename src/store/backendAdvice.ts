// The page's next steps for a tfjs backend that could not start. The engine's message says what
// failed and where (it also runs under the CLI, whose remedy is a --backend flag); what the page
// can offer is its own: the backend choice beside "Backend" in the training panel, whose options
// read "<backend> first", or a browser that has what the backend needs.
import type { BackendFallback, BackendName } from "../core/protocol";

/** When no backend at all could start (cpu included, so the browser itself is the problem). */
export const NO_BACKEND_NEXT_STEP = "Reload the page; if it happens again, open the playground in a recent Chrome or Edge.";

/** After `skipped` was passed over at worker start and the page went on to `running` (null: still starting). */
export function backendFallbackNextStep(skipped: Pick<BackendFallback, "backend" | "kind">, running: BackendName | null): string {
  const failed = skipped.backend;
  const instead = running ? `Training runs on ${running} instead` : "The worker tries the next backend";
  if (skipped.kind === "software") return `${instead} (auto); to train on this adapter anyway, choose "webgpu first" beside the backend.`;
  if (failed === "webgpu")
    return `${instead}; to train on the GPU, open the playground in a browser with WebGPU (a recent Chrome or Edge).`;
  return `${instead}; to skip ${failed} at the next start, choose "${running ?? "wasm"} first" beside the backend.`;
}
