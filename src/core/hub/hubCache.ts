// Where downloaded hub files are kept between page loads, keyed by their full resolve URL (which
// holds the revision). The downloader hands `put` a stream rather than bytes so a browser cache can
// write a multi-gigabyte file to disk without the page ever holding it in memory; the stream errors
// if the file turns out truncated or bogus, and `put` must then store nothing. An empty entry
// records that an optional file (generation_config.json) does not exist in the repository.

export interface HubCache {
  /** The stored file, or null if this URL was never stored (completely). */
  get(url: string): Promise<Blob | null>;
  /**
   * Reads `body` to its end and stores it under `url`. Must reject, and store nothing, when the
   * stream errors: that is how an incomplete or unverified file is kept out of the cache.
   */
  put(url: string, body: ReadableStream<Uint8Array>): Promise<void>;
}

/** A cache that lives as long as the object: Node (CLI, tests) and browsers without the Cache API. */
export function createMemoryHubCache(): HubCache & { readonly files: ReadonlyMap<string, Blob> } {
  const files = new Map<string, Blob>();
  return {
    files,
    async get(url) {
      return files.get(url) ?? null;
    },
    async put(url, body) {
      files.set(url, await new Response(body).blob()); // rejects with the stream's error: nothing stored
    },
  };
}
