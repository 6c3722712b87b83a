// The page's next step after a skipped backend names the page's own controls, never a CLI flag.
import { describe, expect, it } from "vitest";
import { backendFallbackNextStep } from "./backendAdvice";

describe("backendFallbackNextStep", () => {
  it("points to a WebGPU browser when webgpu was skipped", () => {
    expect(backendFallbackNextStep({ backend: "webgpu", kind: "failed" }, "wasm")).toBe(
      "Training runs on wasm instead; to train on the GPU, open the playground in a browser with WebGPU (a recent Chrome or Edge).",
    );
  });

  it("points to the backend choice for the others", () => {
    expect(backendFallbackNextStep({ backend: "webgl", kind: "failed" }, "wasm")).toBe(
      'Training runs on wasm instead; to skip webgl at the next start, choose "wasm first" beside the backend.',
    );
    expect(backendFallbackNextStep({ backend: "webgl", kind: "failed" }, null)).not.toMatch(/--backend/);
  });

  it("says how to use a software WebGPU adapter that auto passed over", () => {
    expect(backendFallbackNextStep({ backend: "webgpu", kind: "software" }, "wasm")).toBe(
      'Training runs on wasm instead (auto); to train on this adapter anyway, choose "webgpu first" beside the backend.',
    );
  });
});
