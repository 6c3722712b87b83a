// Large files arrive as streams: chunk boundaries anywhere (inside a character, inside the BOM),
// progress as bytes are read, and yields to the event loop so a page stays responsive.
import { describe, expect, it } from "vitest";
import { readDataset } from "./read";
import { handleDatasetMessage, type FromDatasetWorker } from "./workerProtocol";

const line = (i: number) =>
  JSON.stringify({
    messages: [
      { role: "user", content: `ñandú ${i} 🐦` },
      { role: "assistant", content: `réponse ${i}` },
    ],
  });

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

describe("streaming", () => {
  it("gives the same result for every chunk size, BOM and multi-byte characters split anywhere", async () => {
    const text = `\uFEFF${Array.from({ length: 40 }, (_, i) => line(i)).join("\n")}\n{"broken": \n`;
    const bytes = new TextEncoder().encode(text);
    const whole = await readDataset({ name: "s.jsonl", size: bytes.length, bytes: [bytes] });
    expect(whole.examples).toHaveLength(40);
    expect(whole.errors[0]).toMatchObject({ line: 41, column: 12, reason: "invalid-json" });
    for (const size of [1, 2, 3, 5, 64, 1000]) {
      const r = await readDataset({ name: "s.jsonl", size: null, bytes: chunked(bytes, size) }, { yieldToEventLoop: async () => {} });
      expect(r).toEqual(whole);
    }
  });

  it("reads a ReadableStream, reports progress and yields to the event loop", async () => {
    const bytes = new TextEncoder().encode(Array.from({ length: 2000 }, (_, i) => line(i)).join("\n"));
    const chunks = chunked(bytes, 4096);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const progress: Array<[number, number | null]> = [];
    let yields = 0;
    const r = await readDataset(
      { name: "big.jsonl", size: bytes.length, bytes: stream },
      { onProgress: (read, total) => progress.push([read, total]), sliceMs: 0, yieldToEventLoop: async () => void yields++ },
    );
    expect(r.examples).toHaveLength(2000);
    expect(progress.at(-1)).toEqual([bytes.length, bytes.length]);
    expect(progress.map(([read]) => read)).toEqual([...progress.map(([read]) => read)].sort((x, y) => x - y));
    expect(yields).toBeGreaterThan(100);
  });

  it("stops when the signal is aborted, keeping what was read", async () => {
    const controller = new AbortController();
    const bytes = new TextEncoder().encode(Array.from({ length: 100 }, (_, i) => line(i)).join("\n"));
    const r = await readDataset(
      { name: "a.jsonl", size: bytes.length, bytes: chunked(bytes, 500) },
      { onProgress: (read) => read > 2000 && controller.abort(), signal: controller.signal, yieldToEventLoop: async () => {} },
    );
    expect(r.fatal).toBe(true);
    expect(r.errors.at(-1)?.message).toMatch(/cancelled before line \d+/);
    expect(r.examples.length).toBeGreaterThan(0);
    expect(r.examples.length).toBeLessThan(100);
  });

  it("runs behind the worker protocol: progress, the examples, then the result", async () => {
    const replies: FromDatasetWorker[] = [];
    const file = new Blob([`${line(1)}\n${line(2)}\n`]);
    await handleDatasetMessage({ id: 7, request: { type: "read", name: "w.jsonl", file, options: {} } }, (r) => replies.push(r));
    expect(replies.at(-1)).toMatchObject({ type: "reply", id: 7, result: { type: "read", dataset: { examples: [], examplesTotal: 2 } } });
    expect(replies.filter((r) => r.type === "examples")).toMatchObject([
      { readId: 7, examples: [{ id: "w.jsonl#1" }, { id: "w.jsonl#2" }] },
    ]);
    expect(replies.some((r) => r.type === "progress")).toBe(true);
  });

  it("sends a long read's examples in several messages, in order", async () => {
    const replies: FromDatasetWorker[] = [];
    const file = new Blob([Array.from({ length: 4500 }, (_, i) => line(i)).join("\n")]);
    await handleDatasetMessage({ id: 8, request: { type: "read", name: "w.jsonl", file, options: {} } }, (r) => replies.push(r));
    const batches = replies.flatMap((r) => (r.type === "examples" ? [r.examples] : []));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat().map((e) => e.id)).toEqual(Array.from({ length: 4500 }, (_, i) => `w.jsonl#${i + 1}`));
  });
});
