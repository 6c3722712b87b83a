// A backend that cannot run here is a BackendError with a kind, and its message names no remedy
// of the CLI's or the page's: each caller adds its own (src/cli/engineArgs.ts, src/services/backendAdvice.ts).
import { describe, expect, it } from "vitest";
import { setBackend } from "./backend";
import { BackendError, EngineError } from "./errors";

describe("setBackend", () => {
  it.each([
    ["webgpu", /backend "webgpu" is not available here: this runtime has no WebGPU \(navigator\.gpu is missing\)\.$/],
    ["webgl", /backend "webgl" is not available here: this runtime has no canvas/],
  ] as const)("%s in Node: unavailable, said without caller-specific advice", async (name, message) => {
    const err = await setBackend(name).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toBeInstanceOf(EngineError);
    const e = err as BackendError;
    expect(e.kind).toBe("unavailable");
    expect(e.backend).toBe(name);
    expect(e.message).toMatch(message);
    expect(e.message).not.toMatch(/--backend|choose|beside/);
  });
});
