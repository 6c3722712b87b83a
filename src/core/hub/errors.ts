// Why a hub download failed, as a `kind` the UI can switch on and a message a person can act on:
// each says what went wrong, which file of which model at which revision, and what to do next.

export type HubErrorKind =
  /** The model id is not of the hub's owner/name form. */
  | "invalid-id"
  /** 401/403: a gated or private model (the hub also answers 401 for a model that does not exist). */
  | "unauthorized"
  /** 404: no such model, revision or file. */
  | "not-found"
  /** Any other HTTP status. */
  | "http"
  /** No response at all, or the connection broke while the body was arriving. */
  | "network"
  /** The body ended cleanly but is shorter than its Content-Length or its safetensors header says. */
  | "truncated"
  /** An HTML page (login wall, error page, proxy) where a JSON or safetensors file was expected. */
  | "html"
  /** A .json file that does not parse. */
  | "not-json"
  /** A safetensors file whose header is absurd or unreadable. */
  | "bad-safetensors"
  /** model.safetensors.index.json without a usable weight_map. */
  | "bad-index"
  /** The weights are larger than the caller's limit. */
  | "too-large"
  /** The browser's storage quota cannot hold the download. */
  | "quota"
  /** The cache refused to store or return a file. */
  | "cache"
  /** The caller's AbortSignal fired. */
  | "aborted";

export interface HubErrorWhere {
  modelId?: string;
  revision?: string;
  file?: string;
  url?: string;
}

export class HubError extends Error {
  override name = "HubError";
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    readonly where: HubErrorWhere = {},
  ) {
    super(message);
  }
}

/** "12.3 MB": sizes in messages, one decimal, binary megabytes like the browser's storage estimate. */
export function formatMB(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** `file` of `modelId` at `revision`, the way every message names a file. */
export function describeFile(where: Required<Pick<HubErrorWhere, "modelId" | "revision" | "file">>): string {
  return `${where.file} of ${where.modelId} (revision ${where.revision})`;
}
