// One forward pass of each fixture model in Chromium on the WebGPU backend (SwiftShader here),
// matched against the PyTorch reference logits.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { FIXTURE_NAMES, FIXTURES_DIR, fixtureDir } from "../test/fixtures/location";
import { bundledRun, driveUntilRunEnds } from "./harness/workerRun";

test.beforeEach(async ({ page }) => {
  await page.route("**/__fixtures/**", (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/__fixtures\//, ""));
    return route.fulfill({ path: join(FIXTURES_DIR, rel) });
  });
});

for (const fixture of FIXTURE_NAMES) {
  test(`${fixture}: WebGPU logits match the PyTorch reference within 1e-3`, async ({ page }) => {
    const reference = JSON.parse(readFileSync(join(fixtureDir(fixture), "reference.json"), "utf8")) as {
      input_ids: number[];
      logits: number[][];
    };
    await page.goto("/e2e/harness/engine.html");
    await expect(page.locator("body[data-ready=true]")).toBeAttached();
    const result = await page.evaluate(({ f, ids }) => window.runForward(f, "webgpu", ids), { f: fixture, ids: reference.input_ids });
    expect(result.backend).toBe("webgpu");
    let maxDiff = 0;
    reference.logits.forEach((row, t) => row.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - result.logits[t][j])))));
    console.log(`${fixture}: max |logit - reference| on WebGPU = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-3);
  });
}

test("training steps on WebGPU give the cpu backend's losses, gradient norms and answers", async ({ page }) => {
  const gpuErrors: string[] = [];
  page.on("console", (m) => {
    if (/invalid|exceeds/i.test(m.text())) gpuErrors.push(m.text());
  });
  await page.goto("/e2e/harness/engine.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  const cpu = await page.evaluate(() => window.trainSteps("cpu", 4));
  const gpu = await page.evaluate(() => window.trainSteps("webgpu", 4));
  expect(gpu.backend).toBe("webgpu");
  expect(gpuErrors).toEqual([]);
  expect(gpu.losses[3]).toBeLessThan(gpu.losses[0] / 2);
  gpu.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-3 * cpu.losses[i]));
  gpu.gradNorms.forEach((g, i) => expect(Math.abs(g - cpu.gradNorms[i])).toBeLessThan(1e-3 * cpu.gradNorms[i]));
  expect(gpu.generated).toEqual(cpu.generated);
  expect(gpu.tensors).toBe(0);
});

test("BLOOM training steps on WebGPU (its norms, GELU and attention as WGSL) give the cpu backend's numbers", async ({ page }) => {
  await page.goto("/e2e/harness/engine.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  const cpu = await page.evaluate(() => window.trainSteps("cpu", 4, null, "bloom"));
  const gpu = await page.evaluate(() => window.trainSteps("webgpu", 4, null, "bloom"));
  expect(gpu).toMatchObject({ backend: "webgpu", tensors: 0 });
  expect(gpu.losses[3]).toBeLessThan(gpu.losses[0]);
  gpu.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-3 * cpu.losses[i]));
  gpu.gradNorms.forEach((g, i) => expect(Math.abs(g - cpu.gradNorms[i])).toBeLessThan(1e-3 * cpu.gradNorms[i]));
  expect(gpu.generated).toEqual(cpu.generated);
});

test("the fused WebGPU kernels (norms, GELU, SwiGLU, row attention, LoRA's low-rank programs) give the plain tfjs path's values and gradients (on cpu)", async ({
  page,
}) => {
  // A WGSL program that does not compile leaves its output unwritten, and WebGPU only says so on the console.
  const gpuErrors: string[] = [];
  page.on("console", (m) => {
    if (/invalid|exceeds|error/i.test(m.text())) gpuErrors.push(m.text());
  });
  await page.goto("/e2e/harness/engine.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  const { backend, results } = await page.evaluate(() => window.fusedKernels("webgpu"));
  expect(backend).toBe("webgpu");
  expect(gpuErrors).toEqual([]);
  for (const r of results) {
    console.log(
      `${r.name}: |Δvalue| ${r.out.toExponential(2)} (largest value ${r.outScale.toFixed(3)}), |Δgrad| ${r.grads.toExponential(2)} (smallest gradient scale ${r.gradScale.toFixed(3)})`,
    );
    expect(r.active, r.name).toBe(true);
    expect(r.out, r.name).toBeLessThan(1e-4);
    expect(r.gradScale, r.name).toBeGreaterThan(1e-3); // a real gradient, not zeros on both sides
    expect(r.grads, r.name).toBeLessThan(1e-4 * Math.max(1, r.gradScale));
  }
});

test("the fused WebGPU AdamW and gradient norm give the composed ops' updates over four steps", async ({ page }) => {
  await page.goto("/e2e/harness/engine.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  const r = await page.evaluate(() => window.fusedAdamW("webgpu"));
  console.log(`AdamW: |Δparams| ${r.params.toExponential(2)}, |Δnorm| ${r.norms.toExponential(2)}, moved ${r.moved.toFixed(3)}`);
  expect(r.active).toBe(true);
  expect(r.moved).toBeGreaterThan(0.05); // the steps changed the parameters: not two unchanged copies
  expect(r.params).toBeLessThan(1e-5);
  expect(r.norms).toBeLessThan(1e-5);
});

test("training on WebGPU with the embedding in row blocks, as a device with a small largest buffer needs, gives the cpu backend's numbers", async ({
  page,
}) => {
  await page.goto("/e2e/harness/engine.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  // The seeded model's embedding is 2,000 × 64 floats (512 kB); a 100 kB limit splits it in six.
  const cpu = await page.evaluate(() => window.trainSteps("cpu", 4));
  const gpu = await page.evaluate(() => window.trainSteps("webgpu", 4, 100_000));
  expect(gpu).toMatchObject({ backend: "webgpu", blocks: 6, tensors: 0 });
  gpu.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-3 * cpu.losses[i]));
  gpu.gradNorms.forEach((g, i) => expect(Math.abs(g - cpu.gradNorms[i])).toBeLessThan(1e-3 * cpu.gradNorms[i]));
  expect(gpu.generated).toEqual(cpu.generated);
});

test("the training worker trains on WebGPU when init, load-model and start arrive together", async ({ page }) => {
  const messages = await driveUntilRunEnds(
    page,
    bundledRun({ type: "init", backends: ["webgpu", "cpu"], softwareWebgpu: "as-ordered" }, { maxSteps: 6, generateEvery: 3 }),
  );
  // SwiftShader is a software adapter, and the worker says so (the page then suggests wasm).
  expect(messages.find((m) => m.type === "backend")).toMatchObject({ backend: "webgpu", fallbacks: [], adapter: { software: true } });
  expect(messages.filter((m) => m.type === "run-error" || m.type === "error")).toEqual([]);
  const losses = messages.flatMap((m) => (m.type === "step" ? [m.metrics.loss] : []));
  expect(losses).toHaveLength(6);
  expect(losses[5]).toBeLessThan(losses[0] / 2);
  expect(messages.filter((m) => m.type === "generations").map((m) => (m.type === "generations" ? m.step : -1))).toEqual([0, 3, 6]);
  expect(messages.at(-1)).toMatchObject({ type: "run-state", state: "finished" });
});
