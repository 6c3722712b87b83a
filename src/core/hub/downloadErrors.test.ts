// Every way a hub download fails, against the local hub stand-in: the HubError kind, a message
// that names the file, model and revision and says what to do, and nothing half-done in the cache.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QWEN3_TOKENIZER_DIR, FIXTURES_DIR, startHubServer, type HubServer, type ModelSource } from "../../../e2e/hub/hubServer";
import { downloadHubModel, type DownloadHubModelOptions } from "./download";
import { HubError } from "./errors";
import { createMemoryHubCache } from "./hubCache";

const LLAMA_DIR = path.join(FIXTURES_DIR, "tiny-llama");
const weightsBytes = new Uint8Array(readFileSync(path.join(LLAMA_DIR, "model.safetensors")));
const tiny: ModelSource = { dirs: [LLAMA_DIR, QWEN3_TOKENIZER_DIR] };
const withFiles = (files: Record<string, Uint8Array | string>): ModelSource => ({ dirs: [LLAMA_DIR, QWEN3_TOKENIZER_DIR], files });
/** A safetensors file whose header length field claims 2^40 bytes. */
const absurdHeader = new Uint8Array(64);
new DataView(absurdHeader.buffer).setBigUint64(0, 2n ** 40n, true);

let hub: HubServer;
beforeAll(async () => {
  hub = await startHubServer({
    models: {
      "test/missing-file": tiny,
      "test/gated": tiny,
      "test/cut": tiny,
      "test/short": withFiles({ "model.safetensors": weightsBytes.subarray(0, 300_000) }),
      "test/absurd": withFiles({ "model.safetensors": absurdHeader }),
      "test/html": tiny,
      "test/html-config": tiny,
      "test/bad-json": withFiles({ "config.json": '{"model_type": "llama",' }),
      "test/no-tokenizer": LLAMA_DIR,
      "test/no-weights": withFiles({}),
      "test/drop": tiny,
      "test/ok": tiny,
    },
    faults: {
      notFound: ["test/missing-file/config.json", "test/no-weights/model.safetensors"],
      unauthorized: ["test/gated"],
      truncate: { "test/cut/model.safetensors": 100_000 },
      html: ["test/html/model.safetensors", "test/html-config/config.json"],
      dropConnection: ["test/drop/config.json"],
    },
  });
});
afterAll(() => hub?.close());

async function failure(options: Partial<DownloadHubModelOptions> & { modelId: string }) {
  const cache = createMemoryHubCache();
  const err = await downloadHubModel({ baseUrl: hub.url, cache, ...options }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HubError);
  return { err: err as HubError, cache };
}

const weightGets = (modelId: string) =>
  hub.requests.filter((r) => r.method === "GET" && r.path.startsWith(`/${modelId}/`) && r.path.endsWith(".safetensors"));

describe("downloadHubModel errors", () => {
  it("404: names the file, the model and the revision", async () => {
    const { err } = await failure({ modelId: "test/missing-file", revision: "v1" });
    expect(err.kind).toBe("not-found");
    expect(err.message).toContain("config.json of test/missing-file (revision v1) was not found (HTTP 404");
    expect(err.message).toContain(`${hub.url}/test/missing-file/tree/v1`);
  });

  it("401: a gated model says to accept the licence and give a token, or drop the files", async () => {
    const { err } = await failure({ modelId: "test/gated" });
    expect(err.kind).toBe("unauthorized");
    expect(err.message).toMatch(/HTTP 401, GatedRepo.*gated or private.*accept its licence.*access token.*drop them on the page/);
  });

  it("an unknown model is reported as not found, with a spelling hint", async () => {
    const { err } = await failure({ modelId: "nobody/nothing" });
    expect(err.kind).toBe("not-found");
    expect(err.message).toContain('There is no model "nobody/nothing"');
  });

  it("a connection that breaks mid-file says how many bytes arrived, and caches nothing of it", async () => {
    const { err, cache } = await failure({ modelId: "test/cut" });
    expect(err.kind).toBe("network");
    expect(err.message).toMatch(
      /model\.safetensors of test\/cut \(revision main\): the connection broke after \d+ of 412416 bytes arrived/,
    );
    expect([...cache.files.keys()].some((u) => u.endsWith("model.safetensors"))).toBe(false);
    expect([...cache.files.keys()].some((u) => u.endsWith("config.json"))).toBe(true); // finished files stay cached
  });

  it("a truncated safetensors file (shorter than its header's offsets) is rejected and not cached", async () => {
    const { err, cache } = await failure({ modelId: "test/short" });
    expect(err.kind).toBe("truncated");
    expect(err.message).toContain(
      "model.safetensors of test/short (revision main) is truncated: its safetensors header needs 412416 bytes",
    );
    expect(err.message).toContain("only 300000 arrived");
    expect([...cache.files.keys()].some((u) => u.endsWith("model.safetensors"))).toBe(false);
  });

  it("a safetensors header length that cannot be right is rejected", async () => {
    const { err } = await failure({ modelId: "test/absurd" });
    expect(err.kind).toBe("bad-safetensors");
    expect(err.message).toContain(`header length field says ${2 ** 40} bytes in a 64-byte file`);
  });

  it("HTML instead of safetensors, and instead of JSON", async () => {
    const weights = await failure({ modelId: "test/html" });
    expect(weights.err.kind).toBe("html");
    expect(weights.err.message).toContain("model.safetensors of test/html (revision main) is an HTML page, not a safetensors file");
    const config = await failure({ modelId: "test/html-config" });
    expect(config.err.kind).toBe("html");
    expect(config.err.message).toContain("config.json of test/html-config (revision main) is an HTML page, not JSON");
  });

  it("JSON that does not parse", async () => {
    const { err } = await failure({ modelId: "test/bad-json" });
    expect(err.kind).toBe("not-json");
    expect(err.message).toMatch(/config\.json of test\/bad-json \(revision main\) is not valid JSON/);
  });

  it("a model without tokenizer files says the playground needs them", async () => {
    const { err } = await failure({ modelId: "test/no-tokenizer" });
    expect(err.kind).toBe("not-found");
    expect(err.message).toMatch(/tokenizer(_config)?\.json of test\/no-tokenizer .*needs the model's own tokenizer files/);
  });

  it("a model without safetensors weights says only safetensors are read", async () => {
    const { err } = await failure({ modelId: "test/no-weights" });
    expect(err.kind).toBe("not-found");
    expect(err.message).toContain("model.safetensors.index.json of test/no-weights");
    expect(err.message).toContain("safetensors weights only");
  });

  it("a quota too small is an error in MB before any weight is fetched", async () => {
    const { err } = await failure({
      modelId: "test/ok",
      estimateQuota: async () => ({ quota: 3 * 1024 * 1024, usage: 2.5 * 1024 * 1024 }),
    });
    expect(err.kind).toBe("quota");
    expect(err.message).toMatch(
      /test\/ok needs 1[12]\.\d MB of browser storage but only 0\.5 MB is available \(quota 3\.0 MB, 2\.5 MB used\)/,
    );
    expect(weightGets("test/ok")).toEqual([]);
  });

  it("weights over the size limit are refused before downloading", async () => {
    const { err } = await failure({ modelId: "test/ok", maxBytes: 100_000 });
    expect(err.kind).toBe("too-large");
    expect(err.message).toContain("0.4 MB of weights, over the 0.1 MB limit");
    expect(weightGets("test/ok")).toEqual([]);
  });

  it("an invalid model id fails without a request", async () => {
    const before = hub.requests.length;
    for (const modelId of ["not a model", "../etc/passwd", "a/b/c", ""]) {
      const { err } = await failure({ modelId });
      expect(err.kind).toBe("invalid-id");
      expect(err.message).toContain("is not a Hugging Face model id");
    }
    expect(hub.requests.length).toBe(before);
  });

  it("network loss (the server drops the connection) names the host and the file", async () => {
    const { err } = await failure({ modelId: "test/drop" });
    expect(err.kind).toBe("network");
    expect(err.message).toContain(`config.json of test/drop (revision main): could not reach ${new URL(hub.url).host}`);
  });

  it("no server at all is a network error", async () => {
    const gone = await startHubServer({ models: {} });
    await gone.close();
    const { err } = await failure({ modelId: "test/ok", baseUrl: gone.url });
    expect(err.kind).toBe("network");
    expect(err.message).toContain(`could not reach ${new URL(gone.url).host}`);
  });

  it("an aborted download is reported as cancelled", async () => {
    const { err } = await failure({ modelId: "test/ok", signal: AbortSignal.abort() });
    expect(err.kind).toBe("aborted");
  });
});
