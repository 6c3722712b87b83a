// One forward pass of each fixture model in Chromium on the WebGPU backend (SwiftShader here),
// matched against the PyTorch reference logits.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";

const fixtures = process.env.FIXTURES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../shared/fixtures");

test.beforeEach(async ({ page }) => {
  await page.route("**/__fixtures/**", (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/__fixtures\//, ""));
    return route.fulfill({ path: join(fixtures, rel) });
  });
});

for (const fixture of ["tiny-bloom", "tiny-llama", "tiny-qwen2"]) {
  test(`${fixture}: WebGPU logits match the PyTorch reference within 1e-3`, async ({ page }) => {
    const reference = JSON.parse(readFileSync(join(fixtures, fixture, "reference.json"), "utf8")) as {
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
