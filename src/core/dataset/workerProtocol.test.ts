// The dataset worker's envelope in Node: a read is answered once for its id with a result the page's
// schema accepts; a malformed message is refused with where and what to do, for its id when it has one.
import { describe, expect, it } from "vitest";
import { handleDatasetMessage, parseFromDatasetWorker, type FromDatasetWorker } from "./workerProtocol";

async function send(data: unknown): Promise<FromDatasetWorker[]> {
  const posted: FromDatasetWorker[] = [];
  await handleDatasetMessage(data, (m) => posted.push(m));
  return posted;
}

const jsonl = new Blob(['{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n', "not json\n"]);

describe("dataset worker protocol", () => {
  it("answers a read once for its id, with a result that passes the page's schema", async () => {
    const posted = await send({ id: 3, request: { type: "read", name: "d.jsonl", file: jsonl, options: { maxExamples: 10 } } });
    const answers = posted.filter((m) => m.type === "reply" || m.type === "error");
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      type: "reply",
      id: 3,
      result: { type: "read", dataset: { examplesTotal: 1, skipped: { "invalid-json": 1 } } },
    });
    expect(posted.filter((m) => m.type === "progress").every((m) => m.type === "progress" && m.readId === 3)).toBe(true);
    // What the worker posts is what the page accepts (structured clone keeps these plain objects as they are).
    for (const m of posted) expect(parseFromDatasetWorker(m)).toMatchObject({ ok: true });
  });

  it("refuses a malformed request for its id, saying where and what to do", async () => {
    const posted = await send({ id: 4, request: { type: "read", name: "d.jsonl", file: "not a blob", options: {} } });
    expect(posted).toHaveLength(1);
    const [refusal] = posted;
    expect(refusal).toMatchObject({ type: "error", id: 4 });
    expect(refusal.type === "error" && refusal.message).toMatch(
      /^Bad message to the dataset worker at request\.file: .+ reload the page\.$/,
    );
  });

  it("refuses an unknown option and an unknown request type", async () => {
    const [extra] = await send({ id: 5, request: { type: "read", name: "d.jsonl", file: jsonl, options: { sliceMs: 1 } } });
    expect(extra).toMatchObject({ type: "error", id: 5 });
    expect(extra.type === "error" && extra.message).toMatch(/request\.options.*sliceMs/);
    const [unknown] = await send({ id: 6, request: { type: "delete-everything" } });
    expect(unknown).toMatchObject({ type: "error", id: 6 });
    expect(unknown.type === "error" && unknown.message).toMatch(/request\.type/);
  });

  it("reports a message without a readable id as a protocol error", async () => {
    const posted = await send({ type: "read", id: 7, name: "d.jsonl", file: jsonl, options: {} });
    // The old flat shape has an id, so it is answered for it; no id at all is a protocol error.
    expect(posted).toEqual([expect.objectContaining({ type: "error", id: 7 })]);
    const [noId] = await send("read it please");
    expect(noId).toMatchObject({ type: "protocol-error" });
    expect(noId.type === "protocol-error" && noId.message).toMatch(/dataset worker at \(root\)/);
  });

  it("answers a cancel for a read that is not running", async () => {
    expect(await send({ id: 8, request: { type: "cancel", readId: 99 } })).toEqual([
      { type: "reply", id: 8, result: { type: "cancel", readId: 99, found: false } },
    ]);
  });

  it("the page refuses a reply whose result does not match the schema, keeping its id", () => {
    const bad = parseFromDatasetWorker({ type: "reply", id: 9, result: { type: "read", dataset: { fileName: "x" } } });
    expect(bad).toMatchObject({ ok: false, id: 9 });
    expect(!bad.ok && bad.message).toMatch(/from the dataset worker at result\.dataset/);
  });
});
