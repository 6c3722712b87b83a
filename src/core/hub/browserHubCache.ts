// The browser side of the downloader's injected services: the Cache API for files and
// navigator.storage.estimate() for the quota check. The only module of src/core/hub that touches
// `caches` or `navigator`; the caller (the environment module) decides whether to use it.
import type { HubCache } from "./hubCache";
import type { StorageEstimate } from "./download";

/** Bump when the stored layout changes, so old entries are ignored rather than misread. */
export const HUB_CACHE_NAME = "hub-models-v1";

export async function openBrowserHubCache(storage: CacheStorage = caches): Promise<HubCache> {
  const cache = await storage.open(HUB_CACHE_NAME);
  return {
    async get(url) {
      const res = await cache.match(url);
      // Chrome returns a disk-backed Blob here, so a cached 1 GB model is not read into memory.
      return res ? res.blob() : null;
    },
    async put(url, body) {
      // Cache.put reads the whole stream and commits only if it ends without error.
      await cache.put(url, new Response(body, { headers: { "content-type": "application/octet-stream" } }));
    },
  };
}

/** Drops every stored hub file (a "clear downloaded models" button). */
export function clearBrowserHubCache(storage: CacheStorage = caches): Promise<boolean> {
  return storage.delete(HUB_CACHE_NAME);
}

/** navigator.storage.estimate(), or null where the browser has no StorageManager. */
export async function estimateBrowserStorage(): Promise<StorageEstimate | null> {
  if (typeof navigator === "undefined" || !navigator.storage?.estimate) return null;
  const { quota, usage } = await navigator.storage.estimate();
  return quota === undefined ? null : { quota, usage: usage ?? 0 };
}
