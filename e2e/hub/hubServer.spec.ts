// The hub stand-in speaks the hub's protocol, and downloadHubModel works in a real browser against
// it: cross-origin fetch (CORS), streaming into the Cache API, a reload served from the cache, and a
// broken download leaving nothing behind. The page is any page of the Vite dev server, which
// compiles src/core/hub on import.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { FIXTURES_DIR, parseHubServerArgs, startHubServer, testModels, type HubServer } from "./hubServer";

let hub: HubServer;
test.beforeAll(async () => {
  hub = await startHubServer({
    models: { ...testModels(), "test/cut": testModels()["test/tiny-llama"], "test/gated": testModels()["test/tiny-llama"] },
    faults: { truncate: { "test/cut/model.safetensors": 50_000 }, unauthorized: ["test/gated"] },
  });
});
test.afterAll(() => hub?.close());

test("the server answers like the hub", async () => {
  const url = (model: string, file: string) => `${hub.url}/${model}/resolve/main/${file}`;
  const size = readFileSync(path.join(FIXTURES_DIR, "tiny-llama/model.safetensors")).length;
  const head = await fetch(url("test/tiny-llama", "model.safetensors"), { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-length")).toBe(String(size));
  expect(head.headers.get("access-control-allow-origin")).toBe("*");
  const tokenizer = await fetch(url("test/tiny-llama", "tokenizer_config.json"));
  expect(tokenizer.headers.get("content-type")).toContain("application/json");
  expect(await tokenizer.json()).toHaveProperty("added_tokens_decoder");
  const missing = await fetch(url("test/tiny-llama", "nope.json"));
  expect([missing.status, missing.headers.get("x-error-code")]).toEqual([404, "EntryNotFound"]);
  const unknown = await fetch(url("nobody/nothing", "config.json"));
  expect([unknown.status, unknown.headers.get("x-error-code")]).toEqual([401, "RepoNotFound"]);
  const gated = await fetch(url("test/gated", "config.json"));
  expect([gated.status, gated.headers.get("x-error-code")]).toEqual([401, "GatedRepo"]);
  const cut = await fetch(url("test/cut", "model.safetensors"));
  await expect(cut.arrayBuffer()).rejects.toThrow();

  const lfs = await startHubServer({ models: testModels(), lfsRedirect: true });
  const redirect = await fetch(`${lfs.url}/test/tiny-llama/resolve/main/model.safetensors`, { method: "HEAD", redirect: "manual" });
  expect([redirect.status, redirect.headers.get("x-linked-size")]).toEqual([302, String(size)]);
  await lfs.close();

  const args = parseHubServerArgs([
    "--port",
    "5174",
    "--model",
    "a/b=/tmp/x,/tmp/y",
    "--truncate",
    "a/b/model.safetensors=10",
    "--html",
    "a/b/config.json",
  ]);
  expect(args).toMatchObject({
    port: 5174,
    models: { "a/b": { dirs: ["/tmp/x", "/tmp/y"] } },
    faults: { truncate: { "a/b/model.safetensors": 10 }, html: ["a/b/config.json"] },
  });
});

test("downloads into the Cache API, and a reload downloads nothing", async ({ page }) => {
  await page.goto("/e2e/harness/hub.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  const download = (modelId: string) =>
    page.evaluate(
      async ({ hubUrl, modelId }) => {
        const { downloadHubModel, openBrowserHubCache, estimateBrowserStorage } = window.hub;
        let events = 0;
        try {
          const files = await downloadHubModel({
            modelId,
            baseUrl: hubUrl,
            cache: await openBrowserHubCache(),
            estimateQuota: estimateBrowserStorage,
            onProgress: () => events++,
          });
          const header = new DataView(await files.weights[0].blob.slice(0, 8).arrayBuffer()).getUint32(0, true);
          return {
            ok: true,
            events,
            downloaded: files.downloadedFiles,
            cached: files.cachedFiles,
            bytes: files.weights[0].blob.size,
            header,
          };
        } catch (err) {
          const cache = await caches.open("hub-models-v1");
          const stored = await cache.match(`${hubUrl}/${modelId}/resolve/main/model.safetensors`);
          return { ok: false, kind: (err as { kind?: string }).kind, message: String(err), storedWeights: Boolean(stored) };
        }
      },
      { hubUrl: hub.url, modelId },
    );

  const first = await download("test/tiny-llama");
  expect(first).toMatchObject({ ok: true, bytes: readFileSync(path.join(FIXTURES_DIR, "tiny-llama/model.safetensors")).length });
  expect(first.downloaded).toContain("model.safetensors");
  expect(first.events).toBeGreaterThan(0);

  await page.reload();
  const before = hub.requests.length;
  const second = await download("test/tiny-llama");
  expect(second).toMatchObject({ ok: true, downloaded: [], header: first.header });
  expect(second.cached).toContain("model.safetensors");
  expect(hub.requests.slice(before)).toEqual([]);

  const broken = await download("test/cut");
  expect(broken).toMatchObject({ ok: false, kind: "network", storedWeights: false });
  const gated = await download("test/gated");
  expect(gated).toMatchObject({ ok: false, kind: "unauthorized" });
});
