// The bundled model as shipped in public/models/default, against what scripts/default-model/build.py
// recorded with it in PyTorch: the page's tokenizer gives the ids the model was trained on, and the
// engine gives PyTorch's logits and greedy answers. The folder is a standard transformers folder.
import { flattenExamples } from "../core/flatExamples";
import * as tf from "@tensorflow/tfjs-core";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_MODEL, BUNDLED_MODEL_FILES } from "../core/bundledModel";
import { buildMaskView } from "../core/maskView";
import { DEFAULT_STATE } from "../core/playgroundState";
import { bundledTokenizer } from "../core/testing/bundledTokenizer";
import { buildTrainingData } from "../core/trainingData";
import { FIXTURES_DIR } from "../../test/fixtures/location";
import { maxAbsDiff, useCpu } from "./fixtures.testutil";
import { generateGreedy } from "./generate";
import { forward } from "./model";
import { loadModelFromFiles, type CausalLM } from "./weights";

const folder = path.resolve(__dirname, "../../public", BUNDLED_MODEL.folder);
const file = (name: string) => path.join(folder, name);

interface BuildReference {
  /** The build's fine-tune prompts (build.chat_prompt), by English word. */
  prompts: Record<string, { text: string; ids: number[] }>;
  encodings: Array<{ text: string; ids: number[] }>;
  logits: { ids: number[]; last_position: number[] };
  greedy_before: Record<string, number[]>;
}
const ref = JSON.parse(readFileSync(path.join(FIXTURES_DIR, "default-model/reference.json"), "utf8")) as BuildReference;
const tok = bundledTokenizer();
/** The page's prompts on its defaults (the five examples and the holdout), by the English word asked about. */
function pagePrompts(): Map<string, number[]> {
  const view = buildMaskView(tok, DEFAULT_STATE.examples, DEFAULT_STATE.formatting, DEFAULT_STATE.masking);
  const data = buildTrainingData(
    view.prepared,
    flattenExamples(view.examples),
    DEFAULT_STATE.examples,
    DEFAULT_STATE.holdout,
    DEFAULT_STATE.training.maxSeqLength,
  );
  return new Map(data.prompts.map((p) => [/"(\w+)"/.exec(p.question)![1], p.inputIds]));
}

describe("the bundled model folder", () => {
  let model: CausalLM;
  beforeAll(async () => {
    await useCpu();
    model = await loadModelFromFiles(readFileSync(file("config.json"), "utf8"), [
      { name: file("model.safetensors"), source: new Uint8Array(readFileSync(file("model.safetensors"))) },
    ]);
  });

  it("is a transformers folder of at most 20 MB with a standard architecture", () => {
    const config = JSON.parse(readFileSync(file("config.json"), "utf8")) as Record<string, unknown>;
    expect(config.architectures).toEqual(["LlamaForCausalLM"]);
    expect(config.vocab_size).toBe(tok.vocabSize);
    const bytes = BUNDLED_MODEL_FILES.reduce((n, f) => n + statSync(file(f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(20 * 1024 * 1024);
  });

  it("tokenizes as the build did (so the page trains on the ids the model learned)", () => {
    expect(ref.encodings.length).toBeGreaterThan(20);
    for (const { text, ids } of ref.encodings) expect(tok.encode(text), JSON.stringify(text)).toEqual(ids);
    expect([tok.bosId, tok.eosId, tok.padId]).toEqual([1, 2, 3]);
  });

  it("is prompted by the page's defaults exactly as the build's fine-tune prompted it", () => {
    const prompts = pagePrompts();
    expect([...prompts.keys()].sort()).toEqual(Object.keys(ref.prompts).sort());
    for (const [en, { ids }] of Object.entries(ref.prompts)) expect(prompts.get(en), en).toEqual(ids);
  });

  it("gives PyTorch's logits and greedy answers", async () => {
    expect(ref.prompts.good.ids).toEqual(ref.logits.ids);
    const last = tf.tidy(() => forward(model, [ref.logits.ids]).arraySync()[0].at(-1)!);
    expect(maxAbsDiff(last, ref.logits.last_position)).toBeLessThan(2e-3);
    for (const [en, want] of Object.entries(ref.greedy_before)) {
      const got = await generateGreedy(model, ref.prompts[en].ids, { maxNewTokens: want.length, stopAtEos: true });
      expect(got, en).toEqual(want);
    }
  });
});
