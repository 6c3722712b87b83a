// Splits a safetensors file into shards plus a model.safetensors.index.json, the layout
// transformers writes for large models, so the sharded download path can be tested with the tiny
// fixtures. Bytes are copied as stored (no dtype conversion).

/** Shard `bytes` into `parts` files named model-0000i-of-0000n.safetensors, and their index. */
export function shardSafetensors(bytes: Uint8Array, parts: number): { files: Record<string, Uint8Array>; index: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: [number, number] }>;
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  const pad = (i: number) => String(i).padStart(5, "0");
  const files: Record<string, Uint8Array> = {};
  const weightMap: Record<string, string> = {};
  for (let p = 0; p < parts; p++) {
    const file = `model-${pad(p + 1)}-of-${pad(parts)}.safetensors`;
    const mine = names.filter((_, i) => i % parts === p);
    const shardHeader: Record<string, unknown> = { __metadata__: { format: "pt" } };
    const data: Uint8Array[] = [];
    let at = 0;
    for (const name of mine) {
      const [begin, end] = header[name].data_offsets;
      shardHeader[name] = { ...header[name], data_offsets: [at, at + end - begin] };
      data.push(bytes.subarray(8 + n + begin, 8 + n + end));
      at += end - begin;
      weightMap[name] = file;
    }
    const json = new TextEncoder().encode(JSON.stringify(shardHeader));
    const out = new Uint8Array(8 + json.length + at);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    let w = 8 + json.length;
    for (const d of data) {
      out.set(d, w);
      w += d.length;
    }
    files[file] = out;
  }
  return { files, index: JSON.stringify({ metadata: { total_size: bytes.length }, weight_map: weightMap }) };
}
