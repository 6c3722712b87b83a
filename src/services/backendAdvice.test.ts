// After a skipped backend the page advises its own controls (the backend choice, whose options read
// "<backend> first") or a browser with WebGPU, never a CLI flag.
import { describe, expect, it } from "vitest";
import { BACKENDS, type BackendFallback, type BackendName } from "../core/protocol";
import { backendFallbackNextStep } from "./backendAdvice";

const failed = (backend: BackendName): BackendFallback => ({ backend, kind: "failed", reason: "" });

describe("backendFallbackNextStep", () => {
  it("asks for a browser with WebGPU when WebGPU failed, whatever runs instead", () => {
    for (const running of [...BACKENDS, null]) {
      const text = backendFallbackNextStep(failed("webgpu"), running);
      expect(text).toMatch(/browser with WebGPU/);
      expect(text).not.toMatch(/ first"/);
    }
  });

  it("puts the backend that started first when another failed, wasm while none has started", () => {
    expect(backendFallbackNextStep(failed("webgl"), "cpu")).toContain('to skip webgl at the next start, choose "cpu first"');
    expect(backendFallbackNextStep(failed("webgl"), null)).toContain('to skip webgl at the next start, choose "wasm first"');
  });

  it("puts a software WebGPU adapter that auto passed over first, to use it anyway", () => {
    expect(backendFallbackNextStep({ backend: "webgpu", kind: "software" }, "wasm")).toContain(
      'to train on this adapter anyway, choose "webgpu first"',
    );
  });

  it("names the backend that runs, never a CLI flag", () => {
    for (const skipped of [failed("webgpu"), failed("webgl"), { backend: "webgpu", kind: "software" } as const])
      for (const running of ["wasm", null] as const) {
        const text = backendFallbackNextStep(skipped, running);
        if (running) expect(text).toContain(`on ${running} instead`);
        expect(text).not.toMatch(/--backend/);
      }
  });
});
