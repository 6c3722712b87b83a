// The page is served cross-origin isolated (vite.config.ts), so the wasm backend starts tfjs's
// threaded build: XNNPACK on half the logical cores, at most 8 (one on a 2-core machine, where its
// pthread workers still start and load the build's main script). Before workers/wasm, those
// workers died with "e is not defined" on the minified bundle. The threaded build trains as the cpu
// backend does.
import { expect, test } from "@playwright/test";

test("the wasm backend runs its threaded build under cross-origin isolation, with the cpu backend's losses", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/e2e/harness/engine.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = await page.evaluate(() => window.wasmThreads());
  expect(threads).toEqual({ isolated: true, threads: Math.min(8, Math.max(1, Math.floor(cores / 2))) });
  const cpu = await page.evaluate(() => window.trainSteps("cpu", 4));
  const wasm = await page.evaluate(() => window.trainSteps("wasm", 4));
  expect(wasm.backend).toBe("wasm");
  expect(wasm.losses[3]).toBeLessThan(wasm.losses[0] / 2);
  wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-4 * cpu.losses[i]));
  expect(wasm.generated).toEqual(cpu.generated);
  expect(errors).toEqual([]);
  console.log(`wasm threads: ${threads.threads} of ${cores} logical cores`);
});
