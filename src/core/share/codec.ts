// PlaygroundSnapshot ⇄ share URL hash, JSON file and local autosave. Three carriers, one schema:
// whatever comes in is size-capped, parsed without prototype keys and validated strictly.
// lz-string is CommonJS: Node's ESM loader (the CLI) sees only its default export, bundlers see both.
import lzString from "lz-string";
import { clip } from "../clip";
import type { PlaygroundSnapshot } from "../playgroundState";
import { decompressUriBounded, DecompressError } from "./lzBounded";
import { parseJsonSafely, UnsafeJsonError } from "./safeJson";
import { describeIssue, listKeys, PlaygroundStateSchema } from "./schema";

const { compressToEncodedURIComponent } = lzString;

export const SHARE_VERSION = 1;
/** Hashes longer than this are refused by some browsers, chat apps and servers; offer a file instead. */
export const MAX_SHARE_HASH_CHARS = 32_000;
/** A share hash may decompress to at most this many characters (1 MiB) — a cap against LZ bombs. */
export const MAX_SHARE_JSON_CHARS = 1024 * 1024;
/** An exported playground file (examples included) may be at most this many characters (64 MiB). */
export const MAX_STATE_FILE_CHARS = 64 * 1024 * 1024;
/** localStorage holds about 5 MB per origin; the autosave is refused beyond this. */
export const MAX_AUTOSAVE_CHARS = 5 * 1024 * 1024;

export const STATE_FILE_KIND = "finetuning-playground";

export type Decoded = { ok: true; state: PlaygroundSnapshot } | { ok: false; error: string };

/** A refusal: what was read (the carrier or the file's name), then why. */
const refused = (what: string, why: string): { ok: false; error: string } => ({ ok: false, error: `${what}: ${why}` });

function validate(value: unknown, what: string): Decoded {
  const parsed = PlaygroundStateSchema.safeParse(value);
  return parsed.success ? { ok: true, state: parsed.data } : refused(what, describeIssue(parsed.error));
}

function parseJson(text: string, what: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: parseJsonSafely(text) };
  } catch (err) {
    const why = err instanceof UnsafeJsonError ? err.message : `not valid JSON (${clip((err as Error).message, 200)})`;
    return refused(what, why);
  }
}

/** `#v1=<lz-string payload>`. */
export function encodeShareHash(state: PlaygroundSnapshot): string {
  return `#v${SHARE_VERSION}=${compressToEncodedURIComponent(JSON.stringify(state))}`;
}

/** Whether the state fits a share link; when not, the UI offers the JSON file. */
export function shareLinkFits(state: PlaygroundSnapshot): { fits: boolean; hashChars: number; limit: number } {
  const hashChars = encodeShareHash(state).length;
  return { fits: hashChars <= MAX_SHARE_HASH_CHARS, hashChars, limit: MAX_SHARE_HASH_CHARS };
}

export function decodeShareHash(hash: string): Decoded {
  const what = "share link";
  const body = hash.startsWith("#") ? hash.slice(1) : hash;
  const m = /^v(\d+)=(.*)$/s.exec(body);
  if (!m) return refused(what, `expected "#v${SHARE_VERSION}=…" after the page address`);
  if (Number(m[1]) !== SHARE_VERSION) {
    const next = Number(m[1]) > SHARE_VERSION ? "open it in a newer playground" : "the link is from an old playground";
    return refused(what, `version ${clip(m[1])} is not supported (this playground reads version ${SHARE_VERSION}); ${next}`);
  }
  // Hashes pass through chat apps that percent-encode; decode once, tolerating bad escapes.
  let payload = m[2];
  try {
    payload = decodeURIComponent(payload);
  } catch {
    // Leave as is; the alphabet check below names the offending character.
  }
  if (payload.length > 4 * MAX_SHARE_HASH_CHARS)
    return refused(what, `the link is ${payload.length} characters long, over the ${4 * MAX_SHARE_HASH_CHARS} this playground reads`);
  let json: string;
  try {
    json = decompressUriBounded(payload, MAX_SHARE_JSON_CHARS);
  } catch (err) {
    if (err instanceof DecompressError) return refused(what, `the data is damaged: ${err.message}`);
    throw err;
  }
  if (json === "") return refused(what, "the data is empty or damaged (was the link cut short?)");
  const parsed = parseJson(json, what);
  return parsed.ok ? validate(parsed.value, what) : parsed;
}

/** The playground as a JSON file: `{"kind": "finetuning-playground", "version": 1, "state": …}`. */
export function exportStateFile(state: PlaygroundSnapshot): string {
  return `${JSON.stringify({ kind: STATE_FILE_KIND, version: SHARE_VERSION, state }, null, 2)}\n`;
}

/** A value echoed in a message: scalars clipped, containers named (they may be huge or deep). */
function shortValue(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object" && v !== null) return "an object";
  return v === undefined ? "nothing" : clip(String(JSON.stringify(v)));
}

function parseEnvelope(text: string, what: string, maxChars: number): Decoded {
  if (text.length > maxChars) return refused(what, `${text.length} characters is over the ${maxChars} limit`);
  const parsed = parseJson(text, what);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return refused(what, `expected an object {"kind": "${STATE_FILE_KIND}", "version": ${SHARE_VERSION}, "state": …}`);
  const env = v as Record<string, unknown>;
  const extra = Object.keys(env).filter((k) => !["kind", "version", "state", "savedAt"].includes(k));
  if (env.kind !== STATE_FILE_KIND) return refused(what, `$.kind: expected "${STATE_FILE_KIND}" (is this a playground file?)`);
  if (env.version !== SHARE_VERSION) return refused(what, `$.version: expected ${SHARE_VERSION}, got ${shortValue(env.version)}`);
  if (env.savedAt !== undefined && typeof env.savedAt !== "string") return refused(what, "$.savedAt: expected an ISO date string");
  if (extra.length) return refused(what, `$: unknown field${extra.length > 1 ? "s" : ""} ${listKeys(extra)}`);
  const res = validate(env.state, what);
  return res.ok ? res : { ok: false, error: res.error.replace(`${what}: $`, `${what}: $.state`) };
}

export function importStateFile(text: string, fileName = "file"): Decoded {
  return parseEnvelope(text, fileName, MAX_STATE_FILE_CHARS);
}

/** The string the UI puts in localStorage (storage access stays in the UI). */
export function serializeAutosave(state: PlaygroundSnapshot, savedAt: Date = new Date()): string {
  return JSON.stringify({ kind: STATE_FILE_KIND, version: SHARE_VERSION, savedAt: savedAt.toISOString(), state });
}

export function parseAutosave(text: string): Decoded {
  return parseEnvelope(text, "autosave", MAX_AUTOSAVE_CHARS);
}
