// downloadHubModel against the local hub stand-in (e2e/hub/hubServer.ts) serving the tiny fixtures.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QWEN3_TOKENIZER_DIR, FIXTURES_DIR, startHubServer, testModels, type HubServer } from "../../../e2e/hub/hubServer";
import { shardSafetensors } from "../../../e2e/hub/shardedModel";
import { downloadHubModel } from "./download";
import { createMemoryHubCache } from "./hubCache";
import type { HubProgress } from "./progress";

const LLAMA_DIR = path.join(FIXTURES_DIR, "tiny-llama");
const weightsBytes = new Uint8Array(readFileSync(path.join(LLAMA_DIR, "model.safetensors")));
const shards = shardSafetensors(weightsBytes, 2);
/** Bytes of every file a full download of test/tiny-llama fetches. */
const fullSize = ["config.json", "generation_config.json", "model.safetensors"]
  .map((f) => readFileSync(path.join(LLAMA_DIR, f)).length)
  .concat(["tokenizer.json", "tokenizer_config.json"].map((f) => readFileSync(path.join(QWEN3_TOKENIZER_DIR, f)).length))
  .reduce((a, b) => a + b, 0);

let hub: HubServer;
let lfsHub: HubServer;
beforeAll(async () => {
  const tiny = testModels()["test/tiny-llama"];
  hub = await startHubServer({
    models: {
      ...testModels(),
      "test/no-generation-config": tiny,
      "test/sharded": {
        dirs: [LLAMA_DIR, QWEN3_TOKENIZER_DIR],
        files: { ...shards.files, "model.safetensors.index.json": shards.index },
      },
    },
    // The sharded repo must not offer the single file the fixture folder holds.
    faults: { notFound: ["test/sharded/model.safetensors", "test/no-generation-config/generation_config.json"] },
  });
  lfsHub = await startHubServer({ models: { "test/tiny-llama": tiny }, lfsRedirect: true });
});
afterAll(async () => {
  await hub?.close();
  await lfsHub?.close();
});

const gets = (server: HubServer) => server.requests.filter((r) => r.method === "GET");

describe("downloadHubModel", () => {
  it("downloads config, tokenizer and weights with monotonic progress ending at the total", async () => {
    const events: HubProgress[] = [];
    const files = await downloadHubModel({
      modelId: "test/tiny-llama",
      baseUrl: hub.url,
      cache: createMemoryHubCache(),
      onProgress: (p) => events.push(p),
    });
    expect((files.config as { model_type: string }).model_type).toBe("llama");
    expect(files.generationConfig).not.toBeNull();
    expect(files.tokenizerJson).toHaveProperty("model");
    expect(files.tokenizerConfig).toHaveProperty("added_tokens_decoder");
    expect(files.weights.map((w) => w.file)).toEqual(["model.safetensors"]);
    expect(new Uint8Array(await files.weights[0].blob.arrayBuffer())).toEqual(weightsBytes);
    expect(files.cachedFiles).toEqual([]);

    expect(events.length).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) expect(events[i].loadedBytes).toBeGreaterThanOrEqual(events[i - 1].loadedBytes);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ file: "model.safetensors", loadedBytes: fullSize, totalBytes: fullSize, etaSeconds: 0 });
    expect(events.every((e) => e.totalBytes === fullSize)).toBe(true);
  });

  it("serves a second download from the cache without any request", async () => {
    const cache = createMemoryHubCache();
    await downloadHubModel({ modelId: "test/tiny-llama", baseUrl: hub.url, cache });
    const before = hub.requests.length;
    const events: HubProgress[] = [];
    const again = await downloadHubModel({ modelId: "test/tiny-llama", baseUrl: hub.url, cache, onProgress: (p) => events.push(p) });
    expect(hub.requests.slice(before)).toEqual([]);
    expect(again.downloadedFiles).toEqual([]);
    expect(again.cachedFiles.sort()).toEqual(
      ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"].sort(),
    );
    expect(events).toEqual([]);
    expect(new Uint8Array(await again.weights[0].blob.arrayBuffer())).toEqual(weightsBytes);
  });

  it("remembers that an optional file is absent, so a reload asks the hub nothing", async () => {
    const cache = createMemoryHubCache();
    const first = await downloadHubModel({ modelId: "test/no-generation-config", baseUrl: hub.url, cache });
    expect(first.generationConfig).toBeNull();
    const before = hub.requests.length;
    const again = await downloadHubModel({ modelId: "test/no-generation-config", baseUrl: hub.url, cache });
    expect(hub.requests.slice(before)).toEqual([]);
    expect(again.generationConfig).toBeNull();
    expect(again.config).toEqual(first.config);
  });

  it("downloads the shards an index lists, in shard order, and caches the index", async () => {
    const cache = createMemoryHubCache();
    const files = await downloadHubModel({ modelId: "test/sharded", baseUrl: hub.url, cache });
    expect(files.weights.map((w) => w.file)).toEqual(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]);
    for (const w of files.weights) expect(new Uint8Array(await w.blob.arrayBuffer())).toEqual(shards.files[w.file]);
    expect(files.downloadedFiles).toContain("model.safetensors.index.json");

    const before = hub.requests.length;
    const again = await downloadHubModel({ modelId: "test/sharded", baseUrl: hub.url, cache });
    expect(hub.requests.slice(before)).toEqual([]);
    expect(again.cachedFiles).toContain("model.safetensors.index.json");
    expect(again.weights.map((w) => w.file)).toEqual(files.weights.map((w) => w.file));
  });

  it("follows the hub's LFS redirect and sizes the weights from x-linked-size", async () => {
    const events: HubProgress[] = [];
    const files = await downloadHubModel({
      modelId: "test/tiny-llama",
      baseUrl: lfsHub.url,
      cache: createMemoryHubCache(),
      onProgress: (p) => events.push(p),
    });
    expect(new Uint8Array(await files.weights[0].blob.arrayBuffer())).toEqual(weightsBytes);
    expect(events.at(-1)).toMatchObject({ loadedBytes: fullSize, totalBytes: fullSize });
    expect(gets(lfsHub).map((r) => r.path)).toContain("/lfs/test/tiny-llama/model.safetensors");
  });

  it("checks the quota before fetching any weight byte, and passes when it fits", async () => {
    const cache = createMemoryHubCache();
    const files = await downloadHubModel({
      modelId: "test/tiny-llama",
      baseUrl: hub.url,
      cache,
      estimateQuota: async () => ({ quota: 10 * fullSize, usage: fullSize }),
    });
    expect(files.weights).toHaveLength(1);
  });
});
