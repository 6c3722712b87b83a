// Checks that a downloaded file is what its name claims before it may enter the cache. Proxies,
// captive portals and login walls answer 200 with an HTML page; a dropped connection leaves a
// file short. For safetensors only the header is read here (the engine's reader decodes tensors):
// enough to know how long the file must be. Format: https://github.com/huggingface/safetensors#format
import { concatBytes } from "../concatBytes";
import { z } from "zod";
import { HubError, formatMB, type HubErrorWhere } from "./errors";

/** Matches the engine's reader limit (src/engine/safetensors.ts), which mirrors the reference 100 MB guard. */
const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

const decoder = new TextDecoder();

/** An HTML page, by its content type or by how it starts (`<!doctype`, `<html`, `<head`, `<body`). */
export function looksLikeHtml(contentType: string | null, firstBytes: Uint8Array): boolean {
  if (contentType && /text\/html/i.test(contentType)) return true;
  const start = decoder.decode(firstBytes.subarray(0, 64)).trimStart().toLowerCase();
  return /^<(!doctype|html|head|body)\b/.test(start);
}

export function htmlError(where: Required<Pick<HubErrorWhere, "file">> & HubErrorWhere, what: string): HubError {
  return new HubError(
    "html",
    `${where.file} of ${where.modelId} (revision ${where.revision}) is an HTML page, not ${what}: a login page, ` +
      `an error page or a proxy answered instead of the hub. Open ${where.url} in a tab to see it; ` +
      `check the base URL and network, or drop the files on the page.`,
    where,
  );
}

/** Parses a downloaded .json file; `<` first means an HTML page sent as 200. */
export function parseJsonFile(bytes: Uint8Array, contentType: string | null, where: HubErrorWhere & { file: string }): unknown {
  if (looksLikeHtml(contentType, bytes) || decoder.decode(bytes.subarray(0, 64)).trimStart().startsWith("<")) {
    throw htmlError(where, "JSON");
  }
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HubError(
      "not-json",
      `${where.file} of ${where.modelId} (revision ${where.revision}) is not valid JSON (${(err as Error).message}; ` +
        `${bytes.length} bytes starting ${JSON.stringify(text.slice(0, 40))}). Re-download it, or drop a good copy on the page.`,
      where,
    );
  }
}

const headerSchema = z.record(z.string(), z.unknown());
const entrySchema = z.object({ data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]) });

/**
 * Watches a safetensors body chunk by chunk: rejects an absurd header length as soon as the first
 * 8 bytes arrive, and at the end says whether the body reaches the header's largest data offset.
 */
export class SafetensorsBodyCheck {
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private headerLength: number | null = null;
  /** 8 + header + largest data_offsets end: the size a complete file has. */
  private requiredSize: number | null = null;

  constructor(
    private readonly where: HubErrorWhere & { file: string },
    /** Content-Length (or HEAD size), when known: a header longer than the file is absurd too. */
    private readonly declaredSize: number | null,
  ) {}

  /** Feeds the next chunk; throws a HubError as soon as the header is known to be bad. */
  feed(chunk: Uint8Array): void {
    if (this.requiredSize !== null) return;
    this.head.push(chunk);
    this.headBytes += chunk.length;
    const all = () => concatBytes(this.head, this.headBytes);
    if (this.headerLength === null && this.headBytes >= 8) {
      const first = all();
      if (looksLikeHtml(null, first)) throw htmlError(this.where, "a safetensors file");
      const n = Number(new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true));
      const limit = Math.min(MAX_SAFETENSORS_HEADER_BYTES, this.declaredSize === null ? Infinity : this.declaredSize - 8);
      if (n > limit || n < 2) {
        throw this.bad(
          `its header length field says ${n} bytes${this.declaredSize !== null ? ` in a ${this.declaredSize}-byte file` : ""}, which is impossible`,
        );
      }
      this.headerLength = n;
      this.head = [first];
    }
    if (this.headerLength !== null && this.headBytes >= 8 + this.headerLength) {
      this.requiredSize = 8 + this.headerLength + this.largestOffset(all().subarray(8, 8 + this.headerLength));
      this.head = [];
    }
  }

  /** Throws if a body of `received` bytes, ended cleanly, is shorter than the header says. */
  finish(received: number): void {
    const required = this.requiredSize ?? (this.headerLength !== null ? 8 + this.headerLength : 8);
    if (received < required) {
      throw new HubError(
        "truncated",
        `${this.where.file} of ${this.where.modelId} (revision ${this.where.revision}) is truncated: its safetensors header ` +
          `needs ${required} bytes (${formatMB(required)}) but only ${received} arrived. Download it again; if this repeats, ` +
          `the file on the server is damaged.`,
        this.where,
      );
    }
  }

  private largestOffset(headerBytes: Uint8Array): number {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(headerBytes));
    } catch (err) {
      throw this.bad(`its header is not JSON (${(err as Error).message})`);
    }
    const header = headerSchema.safeParse(parsed);
    if (!header.success) throw this.bad("its header is not a JSON object");
    let end = 0;
    for (const [name, value] of Object.entries(header.data)) {
      if (name === "__metadata__") continue;
      const entry = entrySchema.safeParse(value);
      if (!entry.success) throw this.bad(`tensor "${name}" has no valid data_offsets`);
      end = Math.max(end, entry.data.data_offsets[1]);
    }
    return end;
  }

  private bad(why: string): HubError {
    return new HubError(
      "bad-safetensors",
      `${this.where.file} of ${this.where.modelId} (revision ${this.where.revision}) is not a valid safetensors file: ${why}. ` +
        `Check the model id and file, or drop a good copy on the page.`,
      this.where,
    );
  }
}
