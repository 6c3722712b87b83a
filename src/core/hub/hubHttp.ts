// HEAD and GET against the hub's resolve URLs, turning every HTTP failure into a HubError that
// names the file, the model and the revision. The hub says why in an `x-error-code` header
// (RepoNotFound, GatedRepo, EntryNotFound, RevisionNotFound); browsers may hide it behind CORS,
// so each message also reads sensibly without it. The one place that speaks the hub's HTTP: the model
// download and the tokenizer loader both go through it.
import { HubError, describeFile, type HubErrorWhere } from "./errors";
import { parseJsonFile } from "./verify";

export const DEFAULT_HUB_URL = "https://huggingface.co";
/** The branch a model id means when no revision is given. */
export const DEFAULT_REVISION = "main";
/** The hub's repository id pattern: an optional owner, then a name, both of [\w.-]. */
export const HUB_MODEL_ID = /^(?:[A-Za-z0-9][\w.-]{0,95}\/)?[A-Za-z0-9][\w.-]{0,95}$/;

/** The part of `fetch` the downloader uses: window.fetch and Node's global fetch both fit. */
export type HubFetch = (
  url: string,
  init?: { method?: "GET" | "HEAD"; headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<Response>;

/** One model at one revision on one hub, and how to talk to it. */
export interface HubRepo {
  fetch: HubFetch;
  baseUrl: string;
  modelId: string;
  revision: string;
  /** A Hugging Face access token for gated or private models. */
  accessToken?: string;
  signal?: AbortSignal;
  /**
   * A plain folder of the same files instead of the hub's resolve URLs (the bundled model under the
   * app's own URL); modelId is then only the name that messages show.
   */
  folderUrl?: string;
}

/** Where a repository is and how to reach it; every field but modelId has a default. */
export type HubRepoOptions = Pick<HubRepo, "modelId" | "accessToken" | "signal" | "folderUrl"> &
  Partial<Pick<HubRepo, "fetch" | "baseUrl" | "revision">>;

/** A HubRepo from a caller's options, the model id checked (a folderUrl's modelId is only a display name). */
export function hubRepo(options: HubRepoOptions): HubRepo {
  const modelId = options.modelId.trim();
  if (options.folderUrl === undefined && !HUB_MODEL_ID.test(modelId)) {
    throw new HubError(
      "invalid-id",
      `"${options.modelId}" is not a Hugging Face model id: expected owner/name of letters, digits, "-", "_" and ".", ` +
        `e.g. Qwen/Qwen3-0.6B (copy it from the model page's title).`,
      { modelId: options.modelId },
    );
  }
  return {
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    baseUrl: options.baseUrl ?? DEFAULT_HUB_URL,
    modelId,
    revision: options.revision ?? DEFAULT_REVISION,
    accessToken: options.accessToken,
    signal: options.signal,
    folderUrl: options.folderUrl,
  };
}

export function repoFileUrl(repo: HubRepo, file: string): string {
  if (repo.folderUrl !== undefined) return `${repo.folderUrl.replace(/\/$/, "")}/${file}`;
  return `${repo.baseUrl.replace(/\/$/, "")}/${repo.modelId}/resolve/${encodeURIComponent(repo.revision)}/${file}`;
}

/** Where a message says `file` of `repo` is. */
export function whereOf(repo: HubRepo, file: string): Required<Pick<HubErrorWhere, "modelId" | "revision" | "file" | "url">> {
  return { modelId: repo.modelId, revision: repo.revision, file, url: repoFileUrl(repo, file) };
}

export async function hubRequest(repo: HubRepo, file: string, method: "GET" | "HEAD"): Promise<Response> {
  const where = whereOf(repo, file);
  const headers: Record<string, string> = repo.accessToken ? { authorization: `Bearer ${repo.accessToken}` } : {};
  try {
    return await repo.fetch(where.url, { method, headers, signal: repo.signal });
  } catch (err) {
    throw transportError(repo, file, err, null);
  }
}

/** A thrown fetch or body read: the caller's abort, or the network. `received` bytes of the body had arrived. */
export function transportError(repo: HubRepo, file: string, err: unknown, received: { bytes: number; of: number | null } | null): HubError {
  const where = whereOf(repo, file);
  if (repo.signal?.aborted) return new HubError("aborted", `Download of ${describeFile(where)} was cancelled.`, where);
  const reason = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
  const host = new URL(where.url).host;
  const progress = received
    ? `the connection broke after ${received.bytes}${received.of !== null ? ` of ${received.of}` : ""} bytes arrived (${reason})`
    : `could not reach ${host} (${reason})`;
  return new HubError(
    "network",
    `Downloading ${describeFile(where)}: ${progress}. Check the network connection and retry; files that finished are cached and will not download again.`,
    where,
  );
}

/** Throws the HubError for a non-2xx response; `required` explains a 404 on a file we cannot do without. */
export function httpError(repo: HubRepo, file: string, res: Response, required = ""): HubError {
  const where = whereOf(repo, file);
  const code = res.headers.get("x-error-code");
  const page = `${repo.baseUrl.replace(/\/$/, "")}/${repo.modelId}`;
  if (code === "RepoNotFound") {
    return new HubError(
      "not-found",
      `There is no model "${repo.modelId}" on ${new URL(page).host} (HTTP ${res.status}, RepoNotFound), or it is private. ` +
        `Check the spelling (owner/name, e.g. Qwen/Qwen3-0.6B); for a private model give an access token.`,
      where,
    );
  }
  if (res.status === 401 || res.status === 403) {
    return new HubError(
      "unauthorized",
      `${describeFile(where)} needs permission (HTTP ${res.status}${code ? `, ${code}` : ""}): the model is gated or private, ` +
        `or does not exist. Open ${page}, log in and accept its licence, then give an access token; or download the ` +
        `files yourself and drop them on the page.`,
      where,
    );
  }
  if (res.status === 404) {
    const what =
      code === "RevisionNotFound"
        ? `${repo.modelId} has no revision "${repo.revision}" (HTTP 404)`
        : `${describeFile(where)} was not found (HTTP 404${code ? `, ${code}` : ""})`;
    return new HubError(
      "not-found",
      `${what}.${required ? ` ${required}` : ""} Check the model id and revision at ${page}/tree/${encodeURIComponent(repo.revision)}.`,
      where,
    );
  }
  return new HubError(
    "http",
    `Downloading ${describeFile(where)} failed: HTTP ${res.status} ${res.statusText}. The hub may be busy; retry in a minute.`,
    where,
  );
}

/**
 * The size of a file from a HEAD request, or "missing" on 404. The hub answers HEAD for LFS files
 * with a redirect carrying `x-linked-size`; fetch follows it and the CDN's Content-Length is the
 * size, but where the header survives it is the authoritative one.
 */
export async function headFile(repo: HubRepo, file: string, required = ""): Promise<{ size: number | null } | "missing"> {
  const res = await hubRequest(repo, file, "HEAD");
  const code = res.headers.get("x-error-code");
  if (res.status === 404 && !required && (code === null || code === "EntryNotFound")) return "missing";
  if (!res.ok) throw httpError(repo, file, res, required);
  return { size: sizeOf(res) };
}

export function sizeOf(res: Response): number | null {
  for (const name of ["x-linked-size", "content-length"]) {
    const v = res.headers.get(name);
    if (v !== null && /^\d+$/.test(v.trim())) return Number(v);
  }
  return null;
}

/** A small JSON file, fetched and parsed without caching; `required` explains a 404 (see httpError). */
export async function fetchJsonFile(repo: HubRepo, file: string, required: string): Promise<unknown> {
  const res = await hubRequest(repo, file, "GET");
  if (!res.ok) throw httpError(repo, file, res, required);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    throw transportError(repo, file, err, { bytes: 0, of: sizeOf(res) });
  }
  return parseJsonFile(bytes, res.headers.get("content-type"), whereOf(repo, file));
}
