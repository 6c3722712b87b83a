// Checkpoints kept in the (fake) browser database: the newest save_total_limit per run in one
// transaction each, a full quota keeping the previous one and saying so, a damaged one reported with
// its run and step and the one before returned, and a deleted run's checkpoints removed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECKPOINT_FILE_NAMES } from "../core/checkpointFiles";
import type { CheckpointBuffers } from "../core/protocol";
import { usePlayground } from "../store/playgroundStore";
import { fakeEnvironment, setEnvironment, type FakeEnvironment } from "./environment";
import { forgetCheckpoints, keepCheckpoint, newestCheckpoint } from "./runCheckpoints";
import { testRun } from "./testing/runFixtures";

let env: FakeEnvironment;
const store = () => usePlayground.getState();

/** Files whose bytes say which step they are of, `size` bytes each. */
function files(step: number, size = 1000): CheckpointBuffers {
  return Object.fromEntries(CHECKPOINT_FILE_NAMES.map((n) => [n, new Uint8Array(size).fill(step % 251).buffer])) as CheckpointBuffers;
}
const keys = async () => (await env.database!.keys("checkpoints")).sort();

beforeEach(() => {
  env = fakeEnvironment();
  setEnvironment(env);
  const run = { ...testRun("a", "running"), settings: { ...testRun("a", "running").settings, saveTotalLimit: 2 } };
  usePlayground.setState({ runs: { a: run }, runOrder: ["a"], runsStorage: { ...store().runsStorage, saveError: null } });
});
afterEach(() => setEnvironment(null));

describe("run checkpoints in the browser's database", () => {
  it("keeps the newest save_total_limit of a run and records the newest on the run", async () => {
    for (const step of [10, 20, 30]) await keepCheckpoint({ runId: "a", step, ms: 4, files: files(step) });
    expect(await keys()).toEqual(["a/20", "a/30"]);
    expect(store().runs.a.checkpoint).toMatchObject({ step: 30, bytes: 6 * 1000, takeMs: 4 });
    const { found } = await newestCheckpoint("a");
    expect(found?.step).toBe(30);
    expect(new Uint8Array(found!.files["optimizer.safetensors"])[0]).toBe(30);
  });

  it("a full quota keeps the previous checkpoint, says which run and step, and what still holds", async () => {
    await keepCheckpoint({ runId: "a", step: 10, ms: 1, files: files(10) });
    env.memoryDatabase.quotaBytes = env.memoryDatabase.usage() + 100;
    await keepCheckpoint({ runId: "a", step: 20, ms: 1, files: files(20) });
    expect(await keys()).toEqual(["a/10"]);
    expect(store().runs.a.checkpoint?.step).toBe(10);
    expect(store().runsStorage.saveError).toMatch(
      /storage for this page is full, so the checkpoint of run a at step 20 \(5\.9 KB\) was not saved; run a can still resume from step 10, its last saved checkpoint; training goes on\. Delete runs/,
    );
  });

  it("a checkpoint whose bytes changed is reported with its run and step, and the one before it is returned", async () => {
    for (const step of [10, 20]) await keepCheckpoint({ runId: "a", step, ms: 1, files: files(step) });
    const stored = (await env.database!.get("checkpoints", "a/20")) as { files: CheckpointBuffers };
    new Uint8Array(stored.files["adapter_model.safetensors"])[500] ^= 1;
    await env.database!.write([{ kind: "put", store: "checkpoints", key: "a/20", value: stored }]);
    const newest = await newestCheckpoint("a");
    expect(newest.found?.step).toBe(10);
    expect(newest.damaged).toEqual([
      {
        step: 20,
        message: "The checkpoint of run a at step 20 cannot be used: its bytes changed in storage (the checksum does not match).",
      },
    ]);
    // Bytes moved from one file to another are caught too: the checksum covers each file's name and length.
    const moved = (await env.database!.get("checkpoints", "a/10")) as { files: CheckpointBuffers };
    moved.files["scheduler.json"] = moved.files["scheduler.json"].slice(1);
    await env.database!.write([{ kind: "put", store: "checkpoints", key: "a/10", value: moved }]);
    expect(await newestCheckpoint("a")).toEqual({
      found: null,
      damaged: [
        {
          step: 10,
          message: "The checkpoint of run a at step 10 cannot be used: its bytes changed in storage (the checksum does not match).",
        },
      ],
    });
  });

  it("a deleted run's checkpoints are removed", async () => {
    await keepCheckpoint({ runId: "a", step: 10, ms: 1, files: files(10) });
    await env.database!.write([{ kind: "put", store: "checkpoints", key: "gone/5", value: { format: 1 } }]);
    await forgetCheckpoints((id) => id === "a");
    expect(await keys()).toEqual(["a/10"]);
  });
});
