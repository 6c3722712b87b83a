// Reading safetensors from the places a browser or Node gets them: bytes in memory, a Blob/File
// (random access via slice), or a ReadableStream (sequential, e.g. a fetch body). For Blobs and
// streams we parse the header first and then widen tensor by tensor, so at no time do we hold the
// whole raw file and its float32 copy together — only one tensor's raw bytes at a time.

import { SafetensorsError } from "./errors";
import {
  decodeTensor,
  parseHeader,
  readHeader,
  readHeaderLength,
  type F32Tensor,
  type SafetensorsHeader,
  type TensorEntry,
} from "./safetensors";

export type SafetensorsSource = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;

/** Called once per tensor, in file order; the callee takes ownership of `tensor.data`. */
export type TensorVisitor = (name: string, tensor: F32Tensor) => void;

/** Decodes every tensor of `source`, handing each to `visit` as soon as it is decoded. */
export async function forEachTensor(source: SafetensorsSource, sourceName: string, visit: TensorVisitor): Promise<void> {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (source instanceof Uint8Array) {
    const header = readHeader(source, sourceName);
    for (const e of header.entries) {
      visit(e.name, decodeTensor(e, source.subarray(header.dataStart + e.begin, header.dataStart + e.end)));
    }
    return;
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) return forEachTensorInBlob(source, sourceName, visit);
  return forEachTensorInStream(source as ReadableStream<Uint8Array>, sourceName, visit);
}

/** Collects all tensors of `source` into a map (convenient for small files such as adapters). */
export async function readAllTensors(source: SafetensorsSource, sourceName: string): Promise<Map<string, F32Tensor>> {
  const out = new Map<string, F32Tensor>();
  await forEachTensor(source, sourceName, (name, t) => out.set(name, t));
  return out;
}

async function blobBytes(blob: Blob, begin: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(begin, end).arrayBuffer());
}

async function forEachTensorInBlob(blob: Blob, sourceName: string, visit: TensorVisitor): Promise<void> {
  const file = await openSafetensors(blob, sourceName);
  for (const e of file.header.entries) visit(e.name, await file.read(e));
}

/** A safetensors file with random access: its header, and any one tensor decoded on request. */
export interface OpenSafetensors {
  header: SafetensorsHeader;
  read(entry: TensorEntry): Promise<F32Tensor>;
  /** The tensor's stored bytes, as they are in the file. */
  bytes(entry: TensorEntry): Promise<Uint8Array>;
}

/** Opens bytes or a Blob for reading tensors in any order (a Blob is read a tensor at a time). */
export async function openSafetensors(source: Uint8Array | ArrayBuffer | Blob, sourceName: string): Promise<OpenSafetensors> {
  if (source instanceof ArrayBuffer) source = new Uint8Array(source);
  if (source instanceof Uint8Array) {
    const bytes = source;
    const header = readHeader(bytes, sourceName);
    const at = (e: TensorEntry) => bytes.subarray(header.dataStart + e.begin, header.dataStart + e.end);
    return { header, read: async (e) => decodeTensor(e, at(e)), bytes: async (e) => at(e) };
  }
  const blob = source;
  const n = readHeaderLength(await blobBytes(blob, 0, 8), blob.size, sourceName);
  const header = parseHeader(await blobBytes(blob, 8, 8 + n), blob.size - 8 - n, sourceName);
  const at = (e: TensorEntry) => blobBytes(blob, header.dataStart + e.begin, header.dataStart + e.end);
  return { header, read: async (e) => decodeTensor(e, await at(e)), bytes: at };
}

/** Pulls exactly `n` bytes from a stream reader, keeping leftovers for the next call. */
class ByteReader {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes consumed so far, for error messages. */
  position = 0;

  constructor(private reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Returns up to `n` bytes: fewer only when the stream ended first. */
  async take(n: number): Promise<Uint8Array> {
    while (this.pendingBytes < n) {
      const { done, value } = await this.reader.read();
      if (done) break;
      this.pending.push(value);
      this.pendingBytes += value.length;
    }
    const size = Math.min(n, this.pendingBytes);
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.pending[0];
      const part = Math.min(chunk.length, size - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (part === chunk.length) this.pending.shift();
      else this.pending[0] = chunk.subarray(part);
    }
    this.pendingBytes -= size;
    this.position += size;
    return out;
  }
}

async function forEachTensorInStream(stream: ReadableStream<Uint8Array>, sourceName: string, visit: TensorVisitor): Promise<void> {
  const reader = stream.getReader();
  try {
    const bytes = new ByteReader(reader);
    const n = readHeaderLength(await bytes.take(8), null, sourceName);
    const headerBytes = await bytes.take(n);
    if (headerBytes.length < n) {
      throw new SafetensorsError(
        `${sourceName}: truncated safetensors stream: header needs ${8 + n} bytes but the stream ended after ${bytes.position}; re-download the file.`,
      );
    }
    const header = parseHeader(headerBytes, null, sourceName);
    let cursor = 0; // position within the data section
    for (const e of header.entries) {
      if (e.begin < cursor) {
        throw new SafetensorsError(`${sourceName}: tensor "${e.name}" overlaps the previous tensor; the file is corrupt.`);
      }
      await bytes.take(e.begin - cursor); // skip alignment gaps, if any
      const raw = await bytes.take(e.end - e.begin);
      if (raw.length < e.end - e.begin) {
        throw new SafetensorsError(
          `${sourceName}: truncated safetensors stream: tensor "${e.name}" ends at data byte ${e.end}, outside the file (stream ended after ${bytes.position} bytes); re-download the file.`,
        );
      }
      cursor = e.end;
      visit(e.name, decodeTensor(e, raw));
    }
  } finally {
    reader.releaseLock();
  }
}

/** The `model.safetensors.index.json` of a sharded checkpoint: tensor name → shard file name. */
export function shardFilesFromIndex(indexJson: string | object): string[] {
  const index = (typeof indexJson === "string" ? JSON.parse(indexJson) : indexJson) as { weight_map?: Record<string, string> };
  if (!index.weight_map || typeof index.weight_map !== "object") {
    throw new SafetensorsError(`model.safetensors.index.json has no "weight_map" object; it should map tensor names to shard files.`);
  }
  return [...new Set(Object.values(index.weight_map))].sort();
}
