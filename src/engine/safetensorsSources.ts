// Reading safetensors from the places a browser or Node gets them: bytes in memory, or a Blob/File
// (the Cache API's, Node's openAsBlob) read by slices. For a Blob we parse the header first and then
// widen tensor by tensor, so at no time do we hold the whole raw file and its float32 copy together —
// only one tensor's raw bytes at a time.

import {
  decodeTensor,
  parseHeader,
  readHeader,
  readHeaderLength,
  type F32Tensor,
  type SafetensorsHeader,
  type TensorEntry,
} from "./safetensors";

export type SafetensorsSource = Uint8Array | ArrayBuffer | Blob;

/** Called once per tensor, in file order; the callee takes ownership of `tensor.data`. */
export type TensorVisitor = (name: string, tensor: F32Tensor) => void;

/** Decodes every tensor of `source` in file order, handing each to `visit` as soon as it is decoded. */
export async function forEachTensor(source: SafetensorsSource, sourceName: string, visit: TensorVisitor): Promise<void> {
  const file = await openSafetensors(source, sourceName);
  for (const e of file.header.entries) visit(e.name, await file.read(e));
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

/** A safetensors file with random access: its header, and any one tensor decoded on request. */
export interface OpenSafetensors {
  header: SafetensorsHeader;
  read(entry: TensorEntry): Promise<F32Tensor>;
  /** The tensor's stored bytes, as they are in the file. */
  bytes(entry: TensorEntry): Promise<Uint8Array>;
}

/** Opens bytes or a Blob for reading tensors in any order (a Blob is read a tensor at a time). */
export async function openSafetensors(source: SafetensorsSource, sourceName: string): Promise<OpenSafetensors> {
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
