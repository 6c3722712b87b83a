// The runs table's export and bring-back in the store: a finished run downloads as one zip, an export
// after the examples changed is refused with the next step, and a trainer_state.json is kept on the
// run (also across a reload) for the loss chart to draw.
import { unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { trainingDataFingerprint } from "../core/export/data";
import { NOTEBOOK_TRAINING } from "../core/playgroundState";
import { bundledTokenizer } from "../core/testing/bundledTokenizer";
import { publicFile } from "../core/testing/publicFiles";
import { fakeEnvironment, setEnvironment, type FakeEnvironment } from "./environment";
import { exportFolderName, exportRun, importTrainerState } from "./exportActions";
import { usePlayground } from "../store/playgroundStore";
import type { RunRecord } from "../store/runRecord";
import { loadStoredRuns, RunsWriter } from "./runsPersistence";
import { setCurrentTokenizer } from "../store/tokenizerHolder";
import { trainingDataFor } from "./trainingActions";

let env: FakeEnvironment;

function finishedRun(fingerprint: string | undefined): RunRecord {
  return {
    id: "r1",
    createdAt: 1,
    label: "run 1",
    modelName: "bundled default",
    strategy: "markers",
    backend: "wasm",
    settings: { ...NOTEBOOK_TRAINING, maxSteps: 2 },
    prompts: [],
    status: "finished",
    totalSteps: 2,
    trainableParameters: 10,
    steps: [],
    generations: [],
    wallMs: 5,
    runningSince: null,
    tokensTrained: 4,
    errors: [],
    adapterInWorker: true,
    dataFingerprint: fingerprint,
  };
}

function currentFingerprint(): string {
  const s = usePlayground.getState();
  const got = trainingDataFor({ examples: s.examples, formatting: s.formatting, masking: s.masking }, NOTEBOOK_TRAINING.maxSeqLength);
  if ("error" in got) throw new Error(got.error);
  return trainingDataFingerprint(got.data.examples);
}

beforeEach(() => {
  env = fakeEnvironment({ appFile: publicFile });
  setEnvironment(env);
  setCurrentTokenizer(bundledTokenizer());
});
afterEach(() => {
  usePlayground.getState().deleteRun("r1");
  setEnvironment(null);
});

describe("exporting a run", () => {
  it("downloads playground-run-1.zip with the training project in one folder", async () => {
    usePlayground.getState().addRun(finishedRun(currentFingerprint()));
    await exportRun("r1");
    const saved = env.downloads.saved.at(-1)!;
    expect(saved.fileName).toBe("playground-run-1.zip");
    const bytes = new Uint8Array(await (saved.data as Blob).arrayBuffer());
    const names = Object.keys(unzipSync(bytes));
    expect(names).toEqual(
      expect.arrayContaining([
        "playground-run-1/train.py",
        "playground-run-1/data/tokenized.jsonl",
        "playground-run-1/playground_config.json",
      ]),
    );
  });

  it("is refused once the examples no longer give the run's labels, saying what to do", async () => {
    usePlayground.getState().addRun(finishedRun("5:00000000"));
    await expect(exportRun("r1")).rejects.toThrow(/changed since run 1 trained.*undo the change, or train a new run/);
    expect(env.downloads.saved).toHaveLength(0);
  });

  it("names the folder after the run", () => {
    expect(exportFolderName("run 3 · notebook: markers")).toBe("playground-run-3-notebook-markers");
  });
});

describe("a trainer_state.json dropped on a run", () => {
  const state = {
    log_history: [
      { step: 1, loss: 2.5 },
      { step: 2, loss: 1.25 },
      { train_runtime: 3, step: 2 },
    ],
  };

  it("is kept on the run and comes back after a reload", async () => {
    usePlayground.getState().addRun(finishedRun(undefined));
    await importTrainerState("r1", new File([JSON.stringify(state)], "trainer_state.json"));
    const run = usePlayground.getState().runs.r1;
    expect(run.trainerLog).toEqual({
      source: "trainer_state.json",
      points: [
        [1, 2.5],
        [2, 1.25],
      ],
    });
    const s = usePlayground.getState();
    await new RunsWriter(env.database!).save({ runs: s.runs, runOrder: s.runOrder, baselineRunId: s.baselineRunId });
    expect((await loadStoredRuns(env.database!, env.storage)).runs.r1.trainerLog).toEqual(run.trainerLog);
  });

  it("that is not a trainer state is refused with the file's name and the next step", async () => {
    usePlayground.getState().addRun(finishedRun(undefined));
    await expect(importTrainerState("r1", new File(["[1, 2]"], "adapter_config.json"))).rejects.toThrow(
      /adapter_config\.json: .*drop the trainer_state\.json/,
    );
    expect(usePlayground.getState().runs.r1.trainerLog).toBeUndefined();
  });
});
