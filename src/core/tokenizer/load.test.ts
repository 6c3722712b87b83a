// The tokenizer loader reaches the hub through the hub module: a mirror's resolve URLs at a revision,
// a folder URL for the bundled model, and the hub module's errors (file, model, revision, next step).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubServer, testModels, type HubServer } from "../../../e2e/hub/hubServer";
import { HubError } from "../hub/errors";
import { loadHubTokenizer } from "./load";

let hub: HubServer;
beforeAll(async () => {
  hub = await startHubServer({ models: testModels(), faults: { notFound: ["test/tiny-llama/tokenizer_config.json"] } });
});
afterAll(async () => {
  await hub?.close();
});

describe("loadHubTokenizer", () => {
  it("reads tokenizer.json and tokenizer_config.json from the given hub at the given revision", async () => {
    const tokenizer = await loadHubTokenizer({ modelId: "test/tiny-bloom", baseUrl: hub.url, revision: "v1" });
    expect(tokenizer.name).toBe("test/tiny-bloom");
    expect(tokenizer.encode("hello").length).toBeGreaterThan(0);
    expect(hub.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/test/tiny-bloom/resolve/v1/tokenizer.json", "/test/tiny-bloom/resolve/v1/tokenizer_config.json"]),
    );
  });

  it("reads a folder URL's files, the model id then only its name", async () => {
    const tokenizer = await loadHubTokenizer({ modelId: "a folder", folderUrl: `${hub.url}/test/tiny-bloom/resolve/main` });
    expect(tokenizer.name).toBe("a folder");
  });

  it("says which file of which model is missing, and refuses a malformed id before any request", async () => {
    const missing = loadHubTokenizer({ modelId: "test/tiny-llama", baseUrl: hub.url });
    await expect(missing).rejects.toThrow(HubError);
    await expect(missing).rejects.toThrow(/tokenizer_config\.json of test\/tiny-llama \(revision main\) was not found/);
    const before = hub.requests.length;
    await expect(loadHubTokenizer({ modelId: "not a model id", baseUrl: hub.url })).rejects.toMatchObject({ kind: "invalid-id" });
    expect(hub.requests.length).toBe(before);
  });
});
