// The page's next step after a skipped backend names the page's own controls, never a CLI flag.
import { describe, expect, it } from "vitest";
import { backendFallbackNextStep } from "./backendAdvice";

describe("backendFallbackNextStep", () => {
  it("points to a WebGPU browser when webgpu was skipped", () => {
    expect(backendFallbackNextStep("webgpu", "wasm")).toBe(
      "Training runs on wasm instead; to train on the GPU, open the playground in a browser with WebGPU (a recent Chrome or Edge).",
    );
  });

  it("points to the backend choice for the others", () => {
    expect(backendFallbackNextStep("webgl", "wasm")).toBe(
      'Training runs on wasm instead; to skip webgl at the next start, choose "wasm first" beside the backend.',
    );
    expect(backendFallbackNextStep("webgl", null)).not.toMatch(/--backend/);
  });
});
