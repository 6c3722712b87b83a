// The one download helper (browserEnvironment's downloads.save) against a stub document: one
// anchor click with the file's name and type, its object URL revoked only after the lifetime; the
// in-memory database that stands in for IndexedDB; and browserEnvironment in Node, where every
// browser part is missing.
import { afterEach, describe, expect, it, vi } from "vitest";
import { browserEnvironment, DOWNLOAD_URL_LIFETIME_MS, fakeEnvironment } from "./environment";
import { memoryDatabase, storedSize } from "./environmentDatabase";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("downloads", () => {
  it("clicks one link named after the file, with a Blob of the given type, and revokes it after the lifetime", async () => {
    vi.useFakeTimers();
    const clicks: Array<{ href: string; download: string }> = [];
    vi.stubGlobal("document", {
      createElement: () => {
        const a = { href: "", download: "", click: () => clicks.push({ href: a.href, download: a.download }) };
        return a;
      },
    });
    const blobs: Blob[] = [];
    vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return "blob:test/1";
    });
    const revoke = vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});

    browserEnvironment().downloads.save("adapter_model.safetensors", new Uint8Array([1, 2, 3]).buffer, "application/octet-stream");

    expect(clicks).toEqual([{ href: "blob:test/1", download: "adapter_model.safetensors" }]);
    expect(blobs).toHaveLength(1);
    expect(blobs[0].type).toBe("application/octet-stream");
    expect(new Uint8Array(await blobs[0].arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    vi.advanceTimersByTime(DOWNLOAD_URL_LIFETIME_MS - 1);
    expect(revoke).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(revoke).toHaveBeenCalledWith("blob:test/1");
  });

  it("says where it cannot download outside a page", () => {
    expect(() => browserEnvironment().downloads.save("playground.json", "{}", "application/json")).toThrow(
      /Cannot download playground\.json: there is no page/,
    );
  });

  it("the fake records each download with its name and type", () => {
    const env = fakeEnvironment();
    env.downloads.save("playground-2025-01-01.json", "{}", "application/json");
    expect(env.downloads.saved).toEqual([{ fileName: "playground-2025-01-01.json", type: "application/json", data: "{}" }]);
  });
});

describe("the in-memory database", () => {
  it("keeps structured clones: a stored buffer is not the caller's, and what is read is a copy", async () => {
    const db = memoryDatabase();
    const bytes = new Uint8Array([1, 2, 3]);
    await db.write([{ kind: "put", store: "adapters", key: "a", value: { safetensors: bytes.buffer, configJson: "{}" } }]);
    bytes[0] = 9;
    const back = (await db.get("adapters", "a")) as { safetensors: ArrayBuffer };
    expect(new Uint8Array(back.safetensors)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await db.get("adapters", "missing")).toBeUndefined();
    expect(await db.keys("adapters")).toEqual(["a"]);
    expect([...(await db.getAll("runs"))]).toEqual([]);
  });

  it("writes every change of a batch or none: over the quota, a QuotaExceededError and nothing changed", async () => {
    const db = memoryDatabase(100);
    await db.write([{ kind: "put", store: "runs", key: "a", value: "x".repeat(60) }]);
    const err = await db
      .write([
        { kind: "delete", store: "runs", key: "a" },
        { kind: "put", store: "runs", key: "b", value: "y".repeat(30) },
        { kind: "put", store: "adapters", key: "b", value: new ArrayBuffer(80) },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe("QuotaExceededError");
    expect(await db.keys("runs")).toEqual(["a"]);
    expect(await db.keys("adapters")).toEqual([]);
    expect(db.usage()).toBe(60);
    expect(storedSize({ configJson: "{}", safetensors: new ArrayBuffer(10), step: 1 })).toBe(10 + 2 + 11 + 10 + 4 + 8);
  });

  it("the fake environment reports the database's use against its quota, and can have no database", async () => {
    const env = fakeEnvironment({ quotaBytes: 500 });
    await env.database!.write([{ kind: "put", store: "runs", key: "a", value: "x".repeat(50) }]);
    expect(await env.estimateStorage()).toEqual({ usage: 50, quota: 500 });
    expect(fakeEnvironment({ database: "none" }).database).toBeNull();
  });
});

describe("browserEnvironment outside a browser", () => {
  it("has no storage, database, clipboard or cache, an empty location, and a lifecycle that never fires", async () => {
    const env = browserEnvironment();
    expect(env.storage).toBeNull();
    expect(env.database).toBeNull();
    expect(await env.estimateStorage()).toBeNull();
    expect(env.clipboard).toBeNull();
    expect(env.hubCache).toBeNull();
    expect(env.location.hash).toBe("");
    const off = env.lifecycle.onHidden(() => {});
    expect(typeof off).toBe("function");
    off();
  });
});
