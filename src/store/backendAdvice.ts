// The page's next steps for a tfjs backend that could not start. The engine's message says what
// failed and where (it also runs under the CLI, whose remedy is a --backend flag); what the page
// can offer is its own: the backend choice beside "Backend" in the training panel, whose options
// read "<backend> first", or a browser that has what the backend needs.
import type { BackendName } from "../core/protocol";

/** After `failed` was skipped at worker start and the page went on to `running` (null: still starting). */
export function backendFallbackNextStep(failed: BackendName, running: BackendName | null): string {
  const instead = running ? `Training runs on ${running} instead` : "The worker tries the next backend";
  if (failed === "webgpu")
    return `${instead}; to train on the GPU, open the playground in a browser with WebGPU (a recent Chrome or Edge).`;
  return `${instead}; to skip ${failed} at the next start, choose "${running ?? "wasm"} first" beside the backend.`;
}
