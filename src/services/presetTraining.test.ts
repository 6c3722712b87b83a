// "As trained by" trains what it shows: for every trainer preset, a run starts on exactly the ids and
// labels the mask view shows for it, records the tool and its options (kept across a reload), and
// the run's export carries the same pre-tokenised labels in data/tokenized.jsonl.
import { unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { trainingDataFingerprint } from "../core/export/data";
import { NOTEBOOK_TRAINING } from "../core/playgroundState";
import { bundledTokenizer } from "../core/testing/bundledTokenizer";
import { publicFile } from "../core/testing/publicFiles";
import type { TrainerName } from "../core/trainers";
import { describeChoice } from "../core/trainers/trainerView";
import { IGNORE_INDEX } from "../core/types";
import { computeTrainerView } from "../store/maskViewMemo";
import { usePlayground } from "../store/playgroundStore";
import type { RunRecord } from "../store/runRecord";
import { trainerChoice } from "../store/trainerSlice";
import { setCurrentTokenizer } from "../store/tokenizerHolder";
import { fakeEnvironment, setEnvironment, type FakeEnvironment } from "./environment";
import { exportRun } from "./exportActions";
import { loadStoredRuns, RunsWriter } from "./runsPersistence";
import { trainingDataFor } from "./trainingActions";

/** Each preset with options that make it train the bundled model's examples. */
const PRESETS: Array<[TrainerName, Record<string, string>]> = [
  ["trl", { assistant_only_loss: "true" }],
  ["trl-collator", { response_template: "### Assistant:", instruction_template: "### Human:" }],
  ["axolotl", {}],
  ["llamafactory", {}],
  ["unsloth", { instruction_part: "### Human:", response_part: "### Assistant:", force_match: "false" }],
];

let env: FakeEnvironment;
const tok = bundledTokenizer();
const store = () => usePlayground.getState();

function run(fingerprint: string, trainer: RunRecord["trainer"]): RunRecord {
  return {
    id: "p1",
    createdAt: 1,
    label: "run 1",
    modelName: "bundled default",
    strategy: store().masking.strategy,
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
    trainer,
  };
}

beforeEach(() => {
  env = fakeEnvironment({ appFile: publicFile });
  setEnvironment(env);
  setCurrentTokenizer(tok);
});
afterEach(() => {
  store().deleteRun("p1");
  store().setTrainer(null);
  setEnvironment(null);
});

describe.each(PRESETS)("a run as trained by %s", (name, options) => {
  beforeEach(() => {
    store().setTrainer(name);
    for (const [k, v] of Object.entries(options)) store().setTrainerOption(name, k, v);
  });

  it("trains the mask view's ids and labels, and exports the same labels", async () => {
    const s = store();
    const choice = trainerChoice(s.trainer, name)!;
    const shown = computeTrainerView(tok, s.examples, s.formatting, s.masking, choice);
    if (!shown.ok) throw new Error(shown.error);
    const rows = shown.view.examples.map((e) => ({ inputIds: e.inputIds, labels: e.labels }));
    // Each default example's answer trains (not nothing, not everything): the preset's own labels.
    for (const r of rows) expect(r.labels.some((l) => l !== IGNORE_INDEX) && r.labels.some((l) => l === IGNORE_INDEX)).toBe(true);

    const got = trainingDataFor({ examples: s.examples, formatting: s.formatting, masking: s.masking, trainer: choice }, 512);
    if ("error" in got) throw new Error(got.error);
    expect(got.data.examples).toEqual(rows);

    store().addRun(run(trainingDataFingerprint(got.data.examples), choice));
    await exportRun("p1");
    const zip = unzipSync(new Uint8Array(await (env.downloads.saved.at(-1)!.data as Blob).arrayBuffer()));
    const lines = new TextDecoder().decode(zip["playground-run-1/data/tokenized.jsonl"]).trim().split("\n");
    const exported = lines.map((l) => JSON.parse(l) as { input_ids: number[]; labels: number[] });
    expect(exported.map((e) => ({ inputIds: e.input_ids, labels: e.labels }))).toEqual(rows);
    // The project says whose labels they are: the tool's, not a strategy's.
    const text = (name: string) => new TextDecoder().decode(zip[`playground-run-1/${name}`]);
    const config = JSON.parse(text("playground_config.json")) as { trainer?: string; strategy: string | null };
    expect(config).toMatchObject({ trainer: describeChoice(choice), strategy: null });
    expect(text("README.md")).toContain(`the labels ${describeChoice(choice)} builds`);
  });

  it("records the tool and its options on the run, across a reload", async () => {
    const choice = trainerChoice(store().trainer, name)!;
    store().addRun(run("x", choice));
    const s = store();
    await new RunsWriter(env.database!).save({ runs: s.runs, runOrder: s.runOrder, baselineRunId: s.baselineRunId });
    expect((await loadStoredRuns(env.database!, env.storage)).runs.p1.trainer).toEqual({ trainer: name, options, row: "messages" });
  });
});

describe("a preset's rows", () => {
  it("train the answer and its </s> under TRL's assistant-only loss on the bundled template", () => {
    store().setTrainer("trl");
    store().setTrainerOption("trl", "assistant_only_loss", "true");
    const s = store();
    const got = trainingDataFor(
      { examples: s.examples, formatting: s.formatting, masking: s.masking, trainer: trainerChoice(s.trainer, "trl") },
      512,
    );
    if ("error" in got) throw new Error(got.error);
    const trained = got.data.examples.map((e) => tok.decode(e.labels.filter((l) => l !== IGNORE_INDEX)));
    expect(trained).toEqual(s.examples.map((e) => ` ${e.turns[1].content}</s>`));
  });

  it("refuse the run when the tool stops on an example, naming it and what to do", () => {
    store().setTrainer("trl-collator");
    store().setTrainerOption("trl-collator", "response_template", null); // the collator cannot be built without one
    const s = store();
    const got = trainingDataFor(
      { examples: s.examples, formatting: s.formatting, masking: s.masking, trainer: trainerChoice(s.trainer, "trl-collator") },
      512,
    );
    expect("error" in got ? got.error : "trained").toMatch(
      /TRL ≤ 0.19 DataCollatorForCompletionOnlyLM stops on example 1.*response_template.*Fix or remove/,
    );
  });
});
