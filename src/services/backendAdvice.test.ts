// After a skipped backend the page advises its own controls (the backend choice, whose options read
// "<backend> first") or a browser with WebGPU, never a CLI flag.
import { describe, expect, it } from "vitest";
import { BACKENDS, type BackendFallback, type BackendName } from "../core/protocol";
import { backendFallbackNextStep, backendRemedy } from "./backendAdvice";

const failed = (backend: BackendName): BackendFallback => ({ backend, kind: "failed", reason: "" });

describe("backendRemedy", () => {
  it("asks for a browser with WebGPU when WebGPU failed, whatever runs instead", () => {
    for (const running of [...BACKENDS, null]) expect(backendRemedy(failed("webgpu"), running)).toEqual({ kind: "webgpu-browser" });
  });

  it("puts the backend that started first when another failed, wasm while none has started", () => {
    expect(backendRemedy(failed("webgl"), "cpu")).toEqual({ kind: "choose-first", backend: "cpu", anyway: false });
    expect(backendRemedy(failed("webgl"), null)).toEqual({ kind: "choose-first", backend: "wasm", anyway: false });
  });

  it("puts a software WebGPU adapter that auto passed over first, to use it anyway", () => {
    expect(backendRemedy({ backend: "webgpu", kind: "software" }, "wasm")).toEqual({
      kind: "choose-first",
      backend: "webgpu",
      anyway: true,
    });
  });
});

describe("backendFallbackNextStep", () => {
  it("names the backend that runs and the backend choice's option for the remedy, never a CLI flag", () => {
    for (const skipped of [failed("webgpu"), failed("webgl"), { backend: "webgpu", kind: "software" } as const])
      for (const running of ["wasm", null] as const) {
        const text = backendFallbackNextStep(skipped, running);
        const remedy = backendRemedy(skipped, running);
        if (running) expect(text).toContain(`on ${running} instead`);
        if (remedy.kind === "choose-first") expect(text).toContain(`"${remedy.backend} first"`);
        else expect(text).toMatch(/browser with WebGPU/);
        expect(text).not.toMatch(/--backend/);
      }
  });
});
