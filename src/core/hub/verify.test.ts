import { describe, expect, it } from "vitest";
import { HubError } from "./errors";
import { ProgressTracker, type HubProgress } from "./progress";
import { SafetensorsBodyCheck, looksLikeHtml } from "./verify";

const where = { modelId: "a/b", revision: "main", file: "model.safetensors" };

/** A safetensors file with one tensor of `dataBytes` bytes; header padded to `headerBytes`. */
function safetensors(headerBytes: number, dataBytes: number): Uint8Array {
  let json = JSON.stringify({ w: { dtype: "F32", shape: [dataBytes / 4], data_offsets: [0, dataBytes] } });
  json = json.padEnd(headerBytes, " ");
  const out = new Uint8Array(8 + headerBytes + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes), true);
  out.set(new TextEncoder().encode(json), 8);
  return out;
}

describe("file checks", () => {
  it("a safetensors header length whose low byte is '<' is not mistaken for HTML", () => {
    const file = safetensors(316, 16); // 316 = 0x13C: the file starts with the byte '<'
    expect(file[0]).toBe("<".charCodeAt(0));
    expect(looksLikeHtml("application/octet-stream", file)).toBe(false);
    const check = new SafetensorsBodyCheck(where, file.length);
    check.feed(file.subarray(0, 5)); // the header arrives across chunks
    check.feed(file.subarray(5));
    check.finish(file.length);
  });

  it("recognises HTML by content type or by its first tag", () => {
    expect(looksLikeHtml("text/html; charset=utf-8", new Uint8Array())).toBe(true);
    expect(looksLikeHtml(null, new TextEncoder().encode("\n  <!DOCTYPE html><html>"))).toBe(true);
    expect(looksLikeHtml(null, new TextEncoder().encode('{"a": 1}'))).toBe(false);
  });

  it("a body that ends before the header's last offset is truncated", () => {
    const file = safetensors(64, 400);
    const check = new SafetensorsBodyCheck(where, null);
    check.feed(file.subarray(0, 200));
    expect(() => check.finish(200)).toThrow(expect.objectContaining({ kind: "truncated" }) as HubError);
  });
});

describe("ProgressTracker", () => {
  it("smooths the speed and derives the ETA from it", () => {
    let t = 0;
    const events: HubProgress[] = [];
    const tracker = new ProgressTracker(
      10_000,
      (p) => events.push(p),
      () => t,
    );
    for (let i = 0; i < 8; i++) {
      t += 500;
      tracker.add("f", 1000); // 2000 bytes/s, steadily
    }
    const last = events.at(-1)!;
    expect(last.loadedBytes).toBe(8000);
    expect(last.bytesPerSecond).toBeCloseTo(2000, 5);
    expect(last.etaSeconds).toBeCloseTo(1, 5);
    t += 500;
    tracker.add("f", 2000); // one burst at 4000 bytes/s moves the average only part of the way
    tracker.flush("f");
    const after = events.at(-1)!;
    expect(after.bytesPerSecond).toBeGreaterThan(2000);
    expect(after.bytesPerSecond).toBeLessThan(3000);
    expect(after).toMatchObject({ loadedBytes: 10_000, totalBytes: 10_000, etaSeconds: 0 });
  });
});
