// The one download helper (browserEnvironment's downloads.save) against a stub document: one
// anchor click with the file's name and type, its object URL revoked only after the lifetime; and
// browserEnvironment in Node, where every browser part is missing.
import { afterEach, describe, expect, it, vi } from "vitest";
import { browserEnvironment, DOWNLOAD_URL_LIFETIME_MS, fakeEnvironment } from "./environment";

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

describe("browserEnvironment outside a browser", () => {
  it("has no storage, clipboard or cache, an empty location, and a lifecycle that never fires", () => {
    const env = browserEnvironment();
    expect(env.storage).toBeNull();
    expect(env.clipboard).toBeNull();
    expect(env.hubCache).toBeNull();
    expect(env.location.hash).toBe("");
    const off = env.lifecycle.onHidden(() => {});
    expect(typeof off).toBe("function");
    off();
  });
});
