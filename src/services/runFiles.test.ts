// Runs as files: "file ⤓" writes a zip with run.json and PEFT's two adapter files in a folder named
// after the run; "import runs" reads it back (or a bare run.json) into the table and the database,
// refusing what is not a run file with the file's name and what to do.
import { strToU8, unzipSync, zipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeEnvironment, setEnvironment, type FakeEnvironment } from "./environment";
import { usePlayground } from "../store/playgroundStore";
import { encodeRunFile } from "./runCodec";
import { RUN_LIMITS } from "../store/runRecord";
import { downloadRunFile, importRunFiles, readRunFile, runArchive, safetensorsProblem } from "./runFiles";
import { loadAdapter } from "./runsPersistence";
import { flush, startRunsStorage, stopRunsStorage } from "./runsStorage";
import { testAdapter, testRun } from "./testing/runFixtures";
import { CHECKPOINT_FILE_NAMES } from "../core/checkpointFiles";
import type { CheckpointBuffers } from "../core/protocol";
import { newestCheckpoint } from "./runCheckpoints";

vi.mock("./workerBridge", () => ({ exportAdapter: vi.fn() }));

/** A safetensors file: an 8-byte little-endian header length, the JSON header, the data. */
function safetensors(header: object, data = new Uint8Array(16)): ArrayBuffer {
  const json = strToU8(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out.buffer;
}

const adapter = () => ({
  configJson: '{"peft_type":"LORA","r":16}',
  safetensors: safetensors({ "base_model.model.q_proj.lora_A.weight": { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] } }),
  step: 2,
});

let env: FakeEnvironment;
const store = () => usePlayground.getState();
const initial = usePlayground.getState();

beforeEach(async () => {
  env = fakeEnvironment();
  setEnvironment(env);
  usePlayground.setState({ runs: {}, runOrder: [], baselineRunId: null, currentRunId: null, runsStorage: initial.runsStorage });
  await startRunsStorage();
});
afterEach(async () => {
  await stopRunsStorage();
  setEnvironment(null);
});

describe("a run file", () => {
  it("carries the run's newest checkpoint as checkpoint-STEP/ (the CLI's layout); an import keeps it to resume from", async () => {
    const files = Object.fromEntries(CHECKPOINT_FILE_NAMES.map((n, i) => [n, new Uint8Array([i, 1, 2, 3]).buffer])) as CheckpointBuffers;
    const run = { ...testRun("c", "interrupted"), label: "run 4", checkpoint: { step: 40, bytes: 24, takeMs: 1, writeMs: 1 } };
    const zip = runArchive([{ run, adapter: null, checkpoint: { step: 40, files } }]);
    expect(
      Object.keys(unzipSync(zip))
        .filter((p) => p.startsWith("playground-run-4/checkpoint-40/"))
        .sort(),
    ).toEqual(CHECKPOINT_FILE_NAMES.map((n) => `playground-run-4/checkpoint-40/${n}`).sort());
    const report = await importRunFiles([new File([zip as BlobPart], "run-4.run.zip")]);
    expect(report).toEqual({ imported: ["run 4 (with its checkpoint of step 40)"], problems: [] });
    const kept = (await newestCheckpoint("c")).found;
    expect(kept?.step).toBe(40);
    expect([...new Uint8Array(kept!.files["rng_state.json"])]).toEqual([5, 1, 2, 3]);
    expect(store().runs.c.checkpoint?.step).toBe(40);
  });

  it("round-trips a run and its adapter through one zip, the adapter as PEFT writes it", () => {
    const run = { ...testRun("a", "finished"), label: "run 3" };
    const zip = runArchive([{ run, adapter: adapter() }]);
    expect(Object.keys(unzipSync(zip)).sort()).toEqual([
      "playground-run-3/adapter_config.json",
      "playground-run-3/adapter_model.safetensors",
      "playground-run-3/run.json",
    ]);
    const back = readRunFile("run.zip", zip);
    expect(back.problems).toEqual([]);
    expect(back.runs).toHaveLength(1);
    expect(back.runs[0].run).toMatchObject({ id: "a", label: "run 3", status: "finished", adapterInWorker: false });
    expect(back.runs[0].run.storedAdapter).toEqual({ step: 2, bytes: back.runs[0].adapter!.safetensors.byteLength + 27 });
    expect(Number.isNaN(back.runs[0].run.steps[1].loss)).toBe(true);
    expect(new Uint8Array(back.runs[0].adapter!.safetensors)).toEqual(new Uint8Array(adapter().safetensors));
  });

  it("reads a bare run.json, and a zip of several runs with the same label", () => {
    expect(readRunFile("run.json", strToU8(encodeRunFile(testRun("a", "stopped")))).runs[0]).toMatchObject({ adapter: null });
    const zip = runArchive([
      { run: testRun("a", "finished"), adapter: null },
      { run: testRun("b", "finished"), adapter: adapter() },
    ]);
    // Both are labelled "run a"/"run b"; give them the same label to see the folder names differ.
    const same = runArchive([
      { run: { ...testRun("a1234567xx", "finished"), label: "x" }, adapter: null },
      { run: { ...testRun("b1234567yy", "finished"), label: "x" }, adapter: null },
    ]);
    expect(Object.keys(unzipSync(same))).toEqual(["playground-x/run.json", "playground-x-b1234567/run.json"]);
    expect(readRunFile("runs.zip", zip).runs.map((r) => [r.run.id, r.adapter !== null])).toEqual([
      ["a", false],
      ["b", true],
    ]);
  });

  it("says what is wrong with a file that is not a run file, naming it", () => {
    expect(readRunFile("notes.txt", strToU8("hello")).problems[0]).toMatch(/^notes\.txt: not JSON .*download it again with "file ⤓"/);
    expect(readRunFile("cfg.json", strToU8('{"peft_type": "LORA"}')).problems[0]).toMatch(/^cfg\.json: not a playground run file/);
    const newer = JSON.stringify({ format: "finetuning-playground.run", version: 99, run: {} });
    expect(readRunFile("new.json", strToU8(newer)).problems[0]).toMatch(/newer playground \(run file version 99\)/);
    expect(readRunFile("other.zip", zipSync({ "a.txt": strToU8("x") })).problems[0]).toMatch(/^other\.zip holds no run\.json/);
    expect(readRunFile("cut.zip", new Uint8Array([0x50, 0x4b, 3, 4, 0])).problems[0]).toMatch(/^cut\.zip is not a readable zip/);
    const broken = JSON.parse(encodeRunFile(testRun("a", "finished"))) as { run: { steps: unknown } };
    broken.run.steps = "many";
    expect(readRunFile("b.json", strToU8(JSON.stringify(broken))).problems[0]).toMatch(/^b\.json: steps: /);
  });

  it("a damaged adapter is reported and the run comes without it", () => {
    const zip = zipSync({
      "r/run.json": strToU8(encodeRunFile(testRun("a", "finished"))),
      "r/adapter_config.json": strToU8("{}"),
      "r/adapter_model.safetensors": new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 1, 2]),
    });
    const back = readRunFile("r.zip", zip);
    expect(back.runs[0].adapter).toBeNull();
    expect(back.runs[0].run.storedAdapter).toBeUndefined();
    expect(back.problems[0]).toMatch(/^r\.zip: r\/: adapter_model\.safetensors says its header is 200 bytes, more than the file holds/);
    expect(safetensorsProblem(new Uint8Array(adapter().safetensors))).toBeNull();
  });
});

describe("download and import in the page", () => {
  it("downloads a run with its kept adapter; importing it into an empty page brings back the run and its adapter", async () => {
    const run = { ...testRun("a", "finished"), label: "run 1", adapterInWorker: false };
    store().addRun(run);
    const { keepAdapter } = await import("./runsStorage");
    keepAdapter("a", testAdapter(300));
    await flush();
    await downloadRunFile(["a"]);
    const file = env.downloads.saved.at(-1)!;
    expect(file.fileName).toBe("playground-run-1.run.zip");
    const bytes = await (file.data as Blob).arrayBuffer();

    // A fresh browser: another environment, an empty store.
    await stopRunsStorage();
    env = fakeEnvironment();
    setEnvironment(env);
    usePlayground.setState({ runs: {}, runOrder: [], baselineRunId: null, currentRunId: null, runsStorage: initial.runsStorage });
    await startRunsStorage();
    const report = await importRunFiles([new File([bytes], "playground-run-1.run.zip")]);
    expect(report).toEqual({ imported: ["run 1 (with its adapter)"], problems: [] });
    expect(store().runOrder).toEqual(["a"]);
    expect(store().currentRunId).toBe("a");
    expect(store().runs.a.steps).toHaveLength(2);
    await flush();
    expect((await loadAdapter(env.database!, "a"))?.safetensors.byteLength).toBe(300);

    const again = await importRunFiles([new File([bytes], "playground-run-1.run.zip")]);
    expect(again.imported).toEqual([]);
    expect(again.problems[0]).toMatch(/run 1 is already in the table/);
  });

  it("imports no more runs than the table keeps, and says which were left out", async () => {
    for (let i = 0; i < RUN_LIMITS.maxRuns - 1; i++) store().addRun(testRun(`k${i}`, "finished", i));
    const zip = runArchive([
      { run: testRun("x", "finished"), adapter: null },
      { run: testRun("y", "finished"), adapter: null },
    ]);
    const report = await importRunFiles([new File([zip as BlobPart], "two.zip")]);
    expect(report.imported).toEqual(["run x"]);
    expect(report.problems).toEqual([expect.stringMatching(new RegExp(`keeps ${RUN_LIMITS.maxRuns} runs, so run y was not imported`))]);
  });
});
