// `npm run bench:page`: the training step in headless Chromium, as the page runs it (issue 23, item 2).
// A named model's shape with random weights (bench/engine.ts's NAMED_SHAPES) trains on the workload's
// synthetic examples in e2e/harness/bench.html, served by Vite's dev server (cross-origin isolated:
// vite.config.ts's headers). Per step: ms, GPU compute dispatches and queue submits (counted by
// wrapping GPUComputePassEncoder.prototype.dispatchWorkgroups and GPUQueue.prototype.submit before
// the page loads), and the loss; then tf.profile's kernels of one more step, the backend's GPU
// bytes, the adapter and whether it is software, and the first three losses.
//   npm run bench:page -- --model smollm2-135m|qwen2.5-0.5b|bloom-560m --workload notebook|sft
//                         --backend webgpu|wasm|cpu --steps 2 [--narrow] [--batch N --tokens N --trained N --lora-r N
//                         --lora-alpha N --targets all-linear|a,b] [--json]
// --narrow keeps depth, heads and vocabulary and shrinks the widths (bench/synthetic.ts's
// narrowConfig), so that SwiftShader runs a step in seconds; the counts are the same.
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import { createServer } from "vite";
import { failWith, namedShapeOptions, namedShapeRun } from "./engine";
import { GPU_COUNTERS } from "./synthetic";
import type { PageBenchRequest } from "../e2e/harness/benchHarness";
import { BACKENDS } from "../src/core/protocol";
import playwrightConfig from "../playwright.config";

const { values } = parseArgs({
  options: {
    ...namedShapeOptions("2"),
    json: { type: "boolean", default: false },
  },
});

const fail = failWith("bench:page");
// The page bench's backends: the protocol's, less WebGL (the counts it takes are of WebGPU and wasm work).
const PAGE_BACKENDS = BACKENDS.filter((b) => b !== "webgl");
const { steps, shape, config } = namedShapeRun(values, PAGE_BACKENDS, fail);
const request: PageBenchRequest = {
  backend: values.backend as PageBenchRequest["backend"],
  config,
  vocabSize: Number(config.vocab_size),
  shape,
  steps,
};

/**
 * Loads the harness and runs the bench there. Vite's first load of a fresh cache may find a
 * dependency to optimise and reload the page mid-run; that attempt is started again (twice at most).
 */
async function runInPage(page: Page, href: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(href, { waitUntil: "commit", timeout: 300_000 });
      await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 300_000 });
      return await page.evaluate((req) => window.pageBench(req), request);
    } catch (e) {
      if (attempt === 3 || !/context was destroyed|navigat/i.test((e as Error).message)) throw e;
    }
  }
}

// Its own optimizer cache, so that this server never re-optimises under another dev server's feet.
const server = await createServer({
  logLevel: (process.env.BENCH_PAGE_LOG ?? "error") as "error" | "info",
  cacheDir: "node_modules/.vite-bench-page",
  server: { port: Number(process.env.BENCH_PAGE_PORT ?? 5690), strictPort: false },
});
await server.listen();
const url = server.resolvedUrls?.local[0] ?? fail("Vite's dev server gave no address.");
// The e2e tests' browser (playwright.config.ts): Debian's Chromium where there is one, with WebGPU's unsafe flag
// (SwiftShader on a machine without a GPU).
const browser = await chromium.launch({ ...playwrightConfig.use?.launchOptions, headless: true });
try {
  const page = await browser.newPage();
  await page.addInitScript(GPU_COUNTERS);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => process.stderr.write(`page: ${m.text()}\n`));
  const result = await runInPage(page, new URL("e2e/harness/bench.html", url).href);
  const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
  const row = {
    model: values.model,
    narrow: values.narrow,
    width: { hidden_size: config.hidden_size, intermediate_size: config.intermediate_size ?? null },
    shape,
    cross_origin_isolated: isolated,
    ...result,
    errors,
  };
  if (values.json) console.log(JSON.stringify(row, null, 2));
  else {
    console.log(`${row.backend} ${row.model}${row.narrow ? " (narrow)" : ""} ${shape.workload}, adapter: ${JSON.stringify(row.adapter)}`);
    row.steps.forEach((s, i) =>
      console.log(`step ${i + 1}: ${s.ms} ms, ${s.dispatches} dispatches, ${s.submits} submits, loss ${s.loss.toFixed(5)}`),
    );
    console.log(`kernels ${row.kernels_per_step}: ${JSON.stringify(row.kernels_by_name)}`);
    console.log(
      `losses ${row.losses.map((l) => l.toFixed(6)).join(", ")}; peak tensors ${row.peak_tensor_bytes} B, GPU ${row.gpu_bytes_allocated} B`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
