// The environment's IndexedDB database, where runs and their adapters are kept: the interface the
// store uses, the browser's implementation (through `idb`, which turns IndexedDB's request events
// into promises and a transaction's completion into `tx.done`), and an in-memory stand-in with a
// quota for tests. Only environment.ts imports this file; the rest of the code gets a Database from
// environment().database.
import { openDB, type IDBPDatabase } from "idb";

/**
 * The database's object stores: run records (JSON text), adapters (PEFT's two files), the runs' order,
 * and checkpoints (version 2: "RUN_ID/STEP" → a checkpoint's files and checksum, runCheckpoints.ts).
 */
export const DATABASE_STORES = ["runs", "adapters", "meta", "checkpoints"] as const;
export type DatabaseStore = (typeof DATABASE_STORES)[number];

/** Bump DATABASE.version (and add an upgrade step) when a store is added or its values change shape. */
export const DATABASE = { name: "finetuning-playground", version: 2 };

export type DatabaseWrite =
  { kind: "put"; store: DatabaseStore; key: string; value: unknown } | { kind: "delete"; store: DatabaseStore; key: string };

/** Values are stored as structured clones (strings, ArrayBuffers, plain objects), keyed by string. */
export interface Database {
  /** undefined when nothing is stored under `key`. */
  get(store: DatabaseStore, key: string): Promise<unknown>;
  getAll(store: DatabaseStore): Promise<Map<string, unknown>>;
  keys(store: DatabaseStore): Promise<string[]>;
  /**
   * One transaction: every write is kept or none is. Rejects with the browser's error, a DOMException
   * named "QuotaExceededError" when the site's storage is full.
   */
  write(writes: readonly DatabaseWrite[]): Promise<void>;
}

/** IndexedDB through `idb`; the database is opened on first use and again after the browser closes it. */
export function browserDatabase(): Database {
  let opened: Promise<IDBPDatabase> | null = null;
  const open = () =>
    (opened ??= openDB(DATABASE.name, DATABASE.version, {
      upgrade(db) {
        for (const name of DATABASE_STORES) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
      },
      // Another tab opens a newer version: let it upgrade; this tab reopens (and gets the new version) on its next use.
      blocking() {
        void opened?.then((db) => db.close());
        opened = null;
      },
      terminated() {
        opened = null;
      },
    }).catch((err: unknown) => {
      opened = null; // a refused open (private mode, blocked site data) is tried again next time
      throw err;
    }));
  return {
    get: async (store, key) => (await open()).get(store, key),
    async getAll(store) {
      const db = await open();
      const tx = db.transaction(store, "readonly");
      const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
      return new Map(keys.map((k, i) => [String(k), values[i]]));
    },
    keys: async (store) => (await (await open()).getAllKeys(store)).map(String),
    async write(writes) {
      if (writes.length === 0) return;
      const db = await open();
      const tx = db.transaction([...new Set(writes.map((w) => w.store))], "readwrite");
      try {
        // The requests' own rejections are the transaction's error again; tx.done reports it once.
        for (const w of writes) {
          const request = w.kind === "put" ? tx.objectStore(w.store).put(w.value, w.key) : tx.objectStore(w.store).delete(w.key);
          request.catch(() => {});
        }
      } catch (err) {
        // put throws at once on a value it cannot clone: keep none of the batch.
        tx.abort();
        tx.done.catch(() => {});
        throw err;
      }
      await tx.done;
    },
  };
}

/** Roughly what a value costs in storage: string characters, buffer bytes, 8 per number. */
export function storedSize(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + storedSize(v), 0);
  if (value && typeof value === "object") return Object.entries(value).reduce((n, [k, v]) => n + k.length + storedSize(v), 0);
  return 8;
}

export interface MemoryDatabase extends Database {
  /** What each store holds, by key (the values as stored: structured clones). */
  readonly items: Map<DatabaseStore, Map<string, unknown>>;
  /** Total storedSize of everything held. */
  usage(): number;
  /** Bytes the stand-in holds before a write fails with QuotaExceededError (a browser's quota); changeable by a test. */
  quotaBytes: number;
}

/** An in-memory IndexedDB stand-in: structured clones, all-or-nothing writes, and a quota. */
export function memoryDatabase(quotaBytes = 1024 ** 3): MemoryDatabase {
  const items = new Map<DatabaseStore, Map<string, unknown>>(DATABASE_STORES.map((s) => [s, new Map()]));
  const sizeOf = (stores: typeof items) => [...stores.values()].reduce((n, m) => n + storedSize([...m.values()]), 0);
  const usage = () => sizeOf(items);
  const db: MemoryDatabase = {
    items,
    usage,
    quotaBytes,
    get: async (store, key) => structuredClone(items.get(store)!.get(key)),
    getAll: async (store) => new Map([...items.get(store)!].map(([k, v]) => [k, structuredClone(v)])),
    keys: async (store) => [...items.get(store)!.keys()],
    async write(writes) {
      // Applied to copies first, so a write over the quota leaves everything as it was.
      const next = new Map([...items].map(([s, m]) => [s, new Map(m)]));
      for (const w of writes) {
        if (w.kind === "put") next.get(w.store)!.set(w.key, structuredClone(w.value));
        else next.get(w.store)!.delete(w.key);
      }
      if (sizeOf(next) > db.quotaBytes) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      for (const [s, m] of next) items.set(s, m);
    },
  };
  return db;
}
