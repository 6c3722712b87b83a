// Test helper: a minimal Parquet writer (one row group, required UTF-8 string columns, PLAIN,
// uncompressed), enough to feed hyparquet real files without a Python toolchain. Thrift compact
// protocol per https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md.

class Thrift {
  readonly bytes: number[] = [];
  private last: number[] = [0];

  private varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  private zigzag(n: number): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    this.bytes.push((delta << 4) | type);
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number) {
    this.header(id, 5);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number) {
    this.header(id, 6);
    this.zigzag(v);
    return this;
  }
  binary(id: number, s: string | Uint8Array) {
    this.header(id, 8);
    this.rawBinary(s);
    return this;
  }
  private rawBinary(s: string | Uint8Array) {
    const b = typeof s === "string" ? new TextEncoder().encode(s) : s;
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  struct(id: number, body: (t: Thrift) => void) {
    this.header(id, 12);
    this.inStruct(body);
    return this;
  }
  private inStruct(body: (t: Thrift) => void) {
    this.last.push(0);
    body(this);
    this.bytes.push(0);
    this.last.pop();
  }
  list<T>(id: number, elemType: "i32" | "binary" | "struct", items: T[], write: (t: Thrift, item: T) => void) {
    this.header(id, 9);
    const code = { i32: 5, binary: 8, struct: 12 }[elemType];
    if (items.length < 15) this.bytes.push((items.length << 4) | code);
    else {
      this.bytes.push(0xf0 | code);
      this.varint(BigInt(items.length));
    }
    for (const item of items) {
      if (elemType === "struct") this.inStruct((t) => write(t, item));
      else write(this, item);
    }
    return this;
  }
  rawI32(v: number) {
    this.zigzag(v);
  }
  rawString(s: string) {
    this.rawBinary(s);
  }
  end() {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

export function writeParquet(columns: string[], rows: Array<Record<string, string>>): Uint8Array {
  const out: number[] = [..."PAR1"].map((c) => c.charCodeAt(0));
  const chunks: Array<{ name: string; offset: number; size: number }> = [];
  for (const name of columns) {
    const data: number[] = [];
    for (const row of rows) {
      const b = new TextEncoder().encode(row[name]);
      data.push(b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24, ...b);
    }
    const header = new Thrift()
      .i32(1, 0) // DATA_PAGE
      .i32(2, data.length)
      .i32(3, data.length)
      .struct(5, (t) => t.i32(1, rows.length).i32(2, 0).i32(3, 3).i32(4, 3))
      .end();
    chunks.push({ name, offset: out.length, size: header.length + data.length });
    out.push(...header, ...data);
  }
  const meta = new Thrift()
    .i32(1, 1)
    .list(2, "struct", [{ name: "schema", root: true }, ...columns.map((name) => ({ name, root: false }))], (t, el) => {
      if (el.root) t.binary(4, el.name).i32(5, columns.length);
      else t.i32(1, 6).i32(3, 0).binary(4, el.name).i32(6, 0);
    })
    .i64(3, rows.length)
    .list(4, "struct", [0], (t) => {
      t.list(1, "struct", chunks, (tc, ch) => {
        tc.i64(2, ch.offset).struct(3, (m) =>
          m
            .i32(1, 6)
            .list(2, "i32", [0], (l, e) => l.rawI32(e))
            .list(3, "binary", [ch.name], (l, e) => l.rawString(e))
            .i32(4, 0)
            .i64(5, rows.length)
            .i64(6, ch.size)
            .i64(7, ch.size)
            .i64(9, ch.offset),
        );
      })
        .i64(2, chunks.reduce((s, c) => s + c.size, 0))
        .i64(3, rows.length);
    })
    .end();
  const len = meta.length;
  out.push(...meta, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >>> 24, ..."PAR1".split("").map((c) => c.charCodeAt(0)));
  return Uint8Array.from(out);
}
