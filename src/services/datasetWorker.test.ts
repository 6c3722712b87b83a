// The dataset worker client against an in-process stub that runs the real worker handler: a read
// resolves with progress on the way, an error answer rejects with the worker's words, and a worker
// that dies rejects the read with why, which the slice words as "Reading … stopped after … bytes".
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handleDatasetMessage, parseToDatasetWorker } from "../core/dataset/workerProtocol";
import { createDatasetWorkerClient } from "./datasetWorker";
import { cancelDatasetRead, readDatasetFiles } from "./datasetReading";
import { WorkerStoppedError } from "./pendingCalls";
import { usePlayground } from "../store/playgroundStore";

type Listener = (e: { data?: unknown; message?: string; preventDefault?: () => void }) => void;

class StubDatasetWorker {
  static last: StubDatasetWorker | null = null;
  /** Replace to answer differently (default: the real handler, as the worker entry does). */
  static handle = (data: unknown, post: (m: unknown) => void) => handleDatasetMessage(data, post);
  listeners = new Map<string, Listener[]>();
  terminated = false;
  constructor() {
    StubDatasetWorker.last = this;
  }
  addEventListener(type: string, fn: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  fire(type: string, e: Parameters<Listener>[0]) {
    this.listeners.get(type)?.forEach((fn) => fn(e));
  }
  postMessage(data: unknown) {
    // Through structuredClone, as postMessage does: the Blob and the plain result survive it.
    void StubDatasetWorker.handle(structuredClone(data), (m) => !this.terminated && this.fire("message", { data: structuredClone(m) }));
  }
  terminate() {
    this.terminated = true;
  }
}

const file = (name: string, text: string) => new File([text], name);
const line = (i: number) =>
  JSON.stringify({
    messages: [
      { role: "user", content: `q${i}` },
      { role: "assistant", content: `a${i}` },
    ],
  });
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
};

beforeEach(() => {
  Reflect.set(globalThis, "Worker", StubDatasetWorker);
  StubDatasetWorker.handle = (data, post) => handleDatasetMessage(data, post);
});
afterEach(() => Reflect.deleteProperty(globalThis, "Worker"));

describe("dataset worker client", () => {
  it("resolves a read with its result, reporting progress for that read", async () => {
    const client = createDatasetWorkerClient();
    const progress: number[] = [];
    const result = await client.read("d.jsonl", file("d.jsonl", `${line(1)}\n${line(2)}\n`), {}, (bytes) => progress.push(bytes));
    expect(result.examples.map((e) => e.id)).toEqual(["d.jsonl#1", "d.jsonl#2"]);
    expect(progress.at(-1)).toBe(result.bytesRead);
  });

  it("rejects with the worker's message when it answers an error", async () => {
    StubDatasetWorker.handle = async (data, post) => {
      const parsed = parseToDatasetWorker(data);
      if (parsed.ok)
        post({
          type: "error",
          id: parsed.value.id,
          message: "Reading d.jsonl failed in the dataset worker: NotReadableError. Your examples are unchanged; try the file again.",
        });
    };
    const client = createDatasetWorkerClient();
    await expect(client.read("d.jsonl", file("d.jsonl", "x"), {}, () => {})).rejects.toThrow(
      /NotReadableError\. Your examples are unchanged/,
    );
  });

  it("rejects the read in progress when the worker dies, with why", async () => {
    StubDatasetWorker.handle = async () => {}; // never answers
    const client = createDatasetWorkerClient();
    const reading = client.read("big.jsonl", file("big.jsonl", "x"), {}, () => {});
    const w = StubDatasetWorker.last!;
    w.fire("error", { message: "out of memory", preventDefault: () => {} });
    const err = await reading.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerStoppedError);
    expect(err instanceof WorkerStoppedError && err.reason).toBe("out of memory");
    expect(w.terminated).toBe(true);
  });

  it("the slice shows a dead worker's read as stopped, with bytes read and what to do", async () => {
    StubDatasetWorker.handle = async () => {};
    readDatasetFiles([file("big.jsonl", "x".repeat(10))]);
    StubDatasetWorker.last!.fire("error", { message: "", preventDefault: () => {} });
    await until(() => usePlayground.getState().dataset.phase === "stopped");
    expect(usePlayground.getState().dataset).toMatchObject({
      phase: "stopped",
      tone: "error",
      message:
        "Reading big.jsonl stopped after 0 bytes: the browser gave no reason (often: out of memory). Your examples are unchanged; try a smaller file or split this one.",
    });
  });

  it("the slice previews a read, and a cancelled read's late answer changes nothing", async () => {
    readDatasetFiles([file("d.jsonl", `${line(1)}\n`)]);
    await until(() => usePlayground.getState().dataset.phase === "preview");
    const d = usePlayground.getState().dataset;
    expect(d.phase === "preview" && d.result.examples).toHaveLength(1);
    readDatasetFiles([file("e.jsonl", `${line(2)}\n`)]);
    cancelDatasetRead();
    await new Promise((r) => setTimeout(r, 20));
    expect(usePlayground.getState().dataset).toMatchObject({ phase: "stopped", tone: "info" });
  });
});
