// The browser around the playground, in one place: local storage, IndexedDB (runs and adapters, in
// environmentDatabase.ts), the storage estimate, the clipboard, the address bar, file downloads, the
// Cache API for hub models, and the page being hidden or closed.
// browserEnvironment() is the only code in src/ that probes window, document, navigator,
// localStorage, indexedDB, caches, location or history; the store reads the environment through
// environment(), and tests swap in fakeEnvironment() with setEnvironment(). Node (vitest) gets a
// browserEnvironment() with no storage, no clipboard and no cache, so importing the store is safe.
import type { StorageEstimate } from "../core/hub/download";
import type { HubCache } from "../core/hub/hubCache";
import type { HubFetch } from "../core/hub/hubHttp";
import { browserDatabase, memoryDatabase, type Database, type MemoryDatabase } from "./environmentDatabase";

export type { Database, DatabaseStore, DatabaseWrite } from "./environmentDatabase";

/** The part of localStorage the playground uses; setItem throws when the quota is exceeded. */
export type KeyValueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface PageLocation {
  /** e.g. "https://example.org" (empty outside a browser). */
  readonly origin: string;
  readonly pathname: string;
  /** "#..." or "" */
  readonly hash: string;
  /** Sets the hash ("" drops it) without a history entry, so Back does not reopen a share link. */
  replaceHash(hash: string): void;
  /** A link pasted into the address bar of an open page changes only the hash. */
  onHashChange(fn: () => void): () => void;
}

export interface Environment {
  /** null when the browser refuses local storage (private mode, blocked site data) or outside one. */
  storage: KeyValueStorage | null;
  /** IndexedDB, where runs and adapters are kept; null without it (outside a browser). */
  database: Database | null;
  /** The site's storage use and quota (navigator.storage.estimate); null where the browser does not say. */
  estimateStorage(): Promise<StorageEstimate | null>;
  /** null without a clipboard (an http:// address that is not localhost, an old browser). */
  clipboard: { writeText(text: string): Promise<void> } | null;
  location: PageLocation;
  downloads: {
    save(fileName: string, data: string | ArrayBuffer | Blob, type: string): void;
    /**
     * A file the user picks to be written as it is made (File System Access' showSaveFilePicker), for
     * outputs too large to hold; null where the browser has no picker (then: save). Rejects with an
     * AbortError when the user closes the picker.
     */
    pickFile(fileName: string): Promise<FileSink | null>;
  };
  /** Hub files kept between page loads (the Cache API); null without it (an insecure origin): downloaded every time. */
  hubCache: { open(): Promise<HubCache> } | null;
  /** Fires when the page is hidden or closed: the last chance to save, on mobile often the only one. */
  lifecycle: { onHidden(fn: () => void): () => void };
  /** The app's own files (public/, under the base URL), such as the bundled model's folder. */
  appFiles: AppFiles;
}

/** A file on disk being written. */
export interface FileSink {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** Stops writing and discards what was written. */
  abort(): Promise<void>;
}

type SavePicker = (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;

async function pickFile(fileName: string): Promise<FileSink | null> {
  const picker = typeof window === "undefined" ? undefined : (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  if (!picker) return null;
  const writable = await (await picker({ suggestedName: fileName })).createWritable();
  return { write: (b) => writable.write(b as Uint8Array<ArrayBuffer>), close: () => writable.close(), abort: () => writable.abort() };
}

export interface AppFiles {
  /** The absolute URL of `path` (relative to the app's base URL). */
  url(path: string): string;
  /** Fetches one of those URLs (the hub downloader's HubFetch). */
  fetch: HubFetch;
}

let current: Environment | null = null;

/** The environment in use: the one set last, else the browser's (made on first use). */
export function environment(): Environment {
  return (current ??= browserEnvironment());
}

/** At app start or in a test; null goes back to the browser's on the next environment() call. */
export function setEnvironment(env: Environment | null): void {
  current = env;
}

/** Bump when the stored layout changes, so old entries are ignored rather than misread. */
export const HUB_CACHE_NAME = "hub-models-v1";

/**
 * How long a download's object URL outlives the click. Safari and Chrome on Android read the blob
 * after click() returns, and Chrome holds the second of two downloads in a row (an adapter's two
 * files) behind its "download multiple files" prompt; revoking early makes those downloads fail.
 * A minute covers a user answering that prompt, and holding a few MB that long costs nothing.
 */
export const DOWNLOAD_URL_LIFETIME_MS = 60_000;

function listen(target: EventTarget, type: string, fn: () => void): () => void {
  target.addEventListener(type, fn);
  return () => target.removeEventListener(type, fn);
}

function browserStorage(): KeyValueStorage | null {
  try {
    // Reading the property throws where the browser's privacy settings disable it.
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

function browserHubCache(storage: CacheStorage): NonNullable<Environment["hubCache"]> {
  return {
    async open() {
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
    },
  };
}

async function estimateStorage(): Promise<StorageEstimate | null> {
  if (typeof navigator === "undefined" || !navigator.storage?.estimate) return null;
  const { quota, usage } = await navigator.storage.estimate();
  return quota === undefined ? null : { quota, usage: usage ?? 0 };
}

const noLocation: PageLocation = { origin: "", pathname: "/", hash: "", replaceHash: () => {}, onHashChange: () => () => {} };

function browserLocation(): PageLocation {
  if (typeof window === "undefined") return noLocation;
  return {
    get origin() {
      return window.location.origin;
    },
    get pathname() {
      return window.location.pathname;
    },
    get hash() {
      return window.location.hash;
    },
    replaceHash(hash) {
      window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search + hash);
    },
    onHashChange: (fn) => listen(window, "hashchange", fn),
  };
}

function saveDownload(fileName: string, data: string | ArrayBuffer | Blob, type: string): void {
  if (typeof document === "undefined") {
    throw new Error(
      `Cannot download ${fileName}: there is no page to download it from (this runs outside a browser). Save the data another way.`,
    );
  }
  const url = URL.createObjectURL(data instanceof Blob ? data : new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
}

/** The real browser; in Node every optional part is null and the location is empty. */
export function browserEnvironment(): Environment {
  const nav = typeof navigator === "undefined" ? undefined : navigator;
  const clipboard = nav?.clipboard?.writeText ? nav.clipboard : null;
  return {
    storage: browserStorage(),
    database: typeof indexedDB === "undefined" ? null : browserDatabase(),
    estimateStorage,
    clipboard: clipboard && { writeText: (text) => clipboard.writeText(text) },
    location: browserLocation(),
    downloads: { save: saveDownload, pickFile },
    hubCache: typeof caches === "undefined" ? null : browserHubCache(caches),
    appFiles: {
      url: (path) => new URL(import.meta.env.BASE_URL + path, typeof location === "undefined" ? "http://localhost/" : location.href).href,
      fetch: (url, init) => globalThis.fetch(url, init),
    },
    lifecycle: {
      onHidden(fn) {
        if (typeof window === "undefined") return () => {};
        const offHide = listen(window, "pagehide", fn);
        const offVisibility = listen(document, "visibilitychange", () => document.visibilityState === "hidden" && fn());
        return () => {
          offHide();
          offVisibility();
        };
      },
    },
  };
}

export interface RecordedDownload {
  fileName: string;
  type: string;
  data: string | ArrayBuffer | Blob;
}

export interface FakeEnvironment extends Environment {
  /** What the fake local storage holds (empty, and unused, with storage: "none"). */
  readonly storedItems: Map<string, string>;
  /** The in-memory IndexedDB stand-in (also with database: "none", where `database` is null). */
  readonly memoryDatabase: MemoryDatabase;
  /** Every text written to the clipboard, in order. */
  readonly clipboardWrites: string[];
  readonly downloads: Environment["downloads"] & { readonly saved: RecordedDownload[] };
  /** Sets the address's hash as if the user pasted a link: hash-change listeners run. */
  setHash(hash: string): void;
  /** Fires the lifecycle's "hidden" listeners, as a browser does on pagehide or a hidden tab. */
  hide(): void;
}

export interface FakeOptions {
  /** No clipboard at all, as on an insecure origin. */
  clipboard?: "none" | "refuses";
  /** No local storage, as in a browser that blocks site data. */
  storage?: "none";
  /** No IndexedDB. */
  database?: "none";
  /** The database's quota in storedSize units (default 1 GiB); estimateStorage reports it. */
  quotaBytes?: number;
  origin?: string;
  pathname?: string;
  hash?: string;
  /** The app's files by path ("models/default/config.json"); the fake answers 404 for others. */
  appFile?: (path: string) => Uint8Array | null;
}

/** An in-memory environment for tests: everything it is asked to do is recorded. */
export function fakeEnvironment(options: FakeOptions = {}): FakeEnvironment {
  const items = new Map<string, string>();
  const clipboardWrites: string[] = [];
  const saved: RecordedDownload[] = [];
  const hashListeners = new Set<() => void>();
  const hiddenListeners = new Set<() => void>();
  const subscribe = (set: Set<() => void>, fn: () => void) => {
    set.add(fn);
    return () => void set.delete(fn);
  };
  let hash = options.hash ?? "";
  const db = memoryDatabase(options.quotaBytes);
  const storage: KeyValueStorage = {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
  return {
    storage: options.storage === "none" ? null : storage,
    storedItems: items,
    database: options.database === "none" ? null : db,
    memoryDatabase: db,
    estimateStorage: async () => ({ usage: db.usage(), quota: db.quotaBytes }),
    clipboardWrites,
    clipboard:
      options.clipboard === "none"
        ? null
        : {
            async writeText(text) {
              if (options.clipboard === "refuses") throw new DOMException("Write permission denied.", "NotAllowedError");
              clipboardWrites.push(text);
            },
          },
    location: {
      origin: options.origin ?? "https://playground.test",
      pathname: options.pathname ?? "/",
      get hash() {
        return hash;
      },
      replaceHash: (next) => void (hash = next),
      onHashChange: (fn) => subscribe(hashListeners, fn),
    },
    downloads: { saved, save: (fileName, data, type) => void saved.push({ fileName, type, data }), pickFile: async () => null },
    hubCache: null,
    appFiles: fakeAppFiles(options.origin ?? "https://playground.test", options.appFile ?? (() => null)),
    lifecycle: { onHidden: (fn) => subscribe(hiddenListeners, fn) },
    setHash(next) {
      hash = next;
      hashListeners.forEach((fn) => fn());
    },
    hide: () => hiddenListeners.forEach((fn) => fn()),
  };
}

/** The app's files served from memory, with the status and length headers the hub downloader reads. */
function fakeAppFiles(origin: string, file: (path: string) => Uint8Array | null): AppFiles {
  return {
    url: (path) => `${origin}/${path}`,
    fetch: async (url, init) => {
      const bytes = url.startsWith(`${origin}/`) ? file(url.slice(origin.length + 1)) : null;
      if (!bytes) return new Response(null, { status: 404, statusText: "Not Found" });
      const headers = { "content-length": String(bytes.length) };
      return new Response(init?.method === "HEAD" ? null : new Blob([bytes as BlobPart]), { headers });
    },
  };
}
