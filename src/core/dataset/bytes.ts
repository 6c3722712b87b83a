// Bytes in: a browser File's stream(), a fetch body, node:fs createReadStream, or an array. Lines
// out, decoded strictly as UTF-8 so a wrong encoding is reported where it is, not turned into "�".
import { concatBytes } from "../concatBytes";

/** Anything that yields the file's bytes in order. */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** ReadableStream is not async-iterable in every browser (Safari), so read it through its reader. */
export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value.length) yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of source as AsyncIterable<Uint8Array>) if (chunk.length) yield chunk;
}

/** The UTF-8 byte order mark, EF BB BF. */
export function startsWithBom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Index of the first byte that does not start (or continue) a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Where the first byte that is not UTF-8 is: 1-based line and column, 0-based file offset. */
export interface NotUtf8 {
  line: number;
  column: number;
  byteOffset: number;
  byte: number;
}

export function notUtf8Message(byte: number, byteOffset: number): string {
  return `byte 0x${byte.toString(16).padStart(2, "0")} at byte offset ${byteOffset} is not UTF-8; expected UTF-8 text (re-save the file as UTF-8)`;
}

/** A whole file as text, decoded strictly with a leading BOM dropped, or where it stops being UTF-8. */
export function decodeUtf8Whole(bytes: Uint8Array): { text: string } | { notUtf8: NotUtf8 } {
  const body = startsWithBom(bytes) ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body) };
  } catch {
    const bad = firstInvalidUtf8(body);
    const lineStart = body.lastIndexOf(0x0a, bad - 1) + 1;
    let line = 1;
    for (let i = body.indexOf(0x0a); i >= 0 && i < bad; i = body.indexOf(0x0a, i + 1)) line++;
    const column = new TextDecoder("utf-8", { ignoreBOM: true }).decode(body.subarray(lineStart, bad)).length + 1;
    return { notUtf8: { line, column, byteOffset: bad + (body === bytes ? 0 : 3), byte: body[bad] } };
  }
}

export type LineEvent =
  | { kind: "line"; line: number; text: string }
  /** A line with bytes that are not UTF-8: where the first one is. */
  | { kind: "not-utf8"; line: number; column: number; byteOffset: number; byte: number };

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Splits a byte stream into lines (`\n` or `\r\n`), 1-based line numbers. A leading UTF-8 BOM is
 * dropped so columns on line 1 count from the first visible character. Whole chunks are decoded
 * at once; only a chunk that fails strict decoding is walked line by line to find the bad byte.
 */
export async function* readLines(source: ByteSource, onBytes: (bytesRead: number) => void): AsyncGenerator<LineEvent> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let fileOffset = 0; // file offset of the first pending byte
  let bytesRead = 0;
  let line = 1;

  function* emit(bytes: Uint8Array): Generator<LineEvent> {
    let start = 0;
    if (fileOffset === 0 && startsWithBom(bytes)) start = 3;
    let text: string | null = null;
    try {
      text = strict.decode(bytes.subarray(start));
    } catch {
      text = null;
    }
    if (text !== null) {
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      for (const l of lines) yield { kind: "line", line: line++, text: l.endsWith("\r") ? l.slice(0, -1) : l };
    } else {
      while (start < bytes.length) {
        let end = bytes.indexOf(0x0a, start);
        end = end < 0 ? bytes.length : end + 1;
        const piece = bytes.subarray(start, end);
        const bad = firstInvalidUtf8(piece);
        if (bad >= 0) {
          const column = lenient.decode(piece.subarray(0, bad)).length + 1;
          yield { kind: "not-utf8", line: line++, column, byteOffset: fileOffset + start + bad, byte: piece[bad] };
        } else {
          const l = strict.decode(piece).replace(/\r?\n$/, "");
          yield { kind: "line", line: line++, text: l };
        }
        start = end;
      }
    }
    fileOffset += bytes.length;
  }

  for await (const chunk of chunksOf(source)) {
    bytesRead += chunk.length;
    const lastNl = chunk.lastIndexOf(0x0a);
    if (lastNl < 0) {
      pending.push(new Uint8Array(chunk));
      pendingBytes += chunk.length;
    } else {
      const head = chunk.subarray(0, lastNl + 1);
      yield* emit(concatBytes([...pending, head], pendingBytes + head.length));
      const rest = chunk.subarray(lastNl + 1);
      pending = rest.length ? [new Uint8Array(rest)] : [];
      pendingBytes = rest.length;
    }
    onBytes(bytesRead);
  }
  if (pendingBytes > 0) yield* emit(concatBytes(pending, pendingBytes));
}

/** The whole file in memory, for formats that cannot be streamed (a JSON array, Parquet). */
export async function readAll(
  source: ByteSource,
  limit: number,
  onBytes: (bytesRead: number) => void,
): Promise<Uint8Array | { tooLarge: number }> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunksOf(source)) {
    total += chunk.length;
    if (total > limit) return { tooLarge: total };
    parts.push(chunk);
    onBytes(total);
  }
  return concatBytes(parts.length ? parts : [new Uint8Array(0)], total);
}

/** `1.5 GB`-style sizes for messages. */
export function formatBytes(n: number): string {
  const units = ["bytes", "KB", "MB", "GB"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}
