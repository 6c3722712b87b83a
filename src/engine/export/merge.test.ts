// The merged folder loaded by the engine computes what the base with the adapter computes (float32,
// within 1e-5), for every family, with rsLoRA and with added token rows; sharded past a size limit.
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useCpu } from "../fixtures.testutil";
import { forward } from "../model";
import { loadModelFromFiles, disposeModel } from "../weights";
import { shardsOfIndex } from "../../core/hub/weightIndex";
import { caseFiles, collect, IDS, maxDiff, type Case } from "./export.testutil";
import { mergedFolderFiles } from "./hfFolder";
import { planMerge } from "./merge";

beforeAll(useCpu);

const CASES: Array<[string, Case]> = [
  ["llama, grouped-query attention", { spec: { arch: "LlamaForCausalLM", heads: 4, kvHeads: 2 } }],
  ["llama, tied, rsLoRA, two added tokens", { spec: { arch: "LlamaForCausalLM", tied: true }, rslora: true, added: 2 }],
  ["qwen2 (q/k/v biases), untied, an added token", { spec: { arch: "Qwen2ForCausalLM" }, added: 1 }],
  ["qwen3 (q/k norms), tied", { spec: { arch: "Qwen3ForCausalLM", tied: true, headDim: 16 } }],
  ["bloom (fused qkv)", { spec: { arch: "BloomForCausalLM", tied: true } }],
  ["qwen2, untied, two added tokens whose rows were not trained", { spec: { arch: "Qwen2ForCausalLM" }, grown: 2 }],
];

const folderOptions = { dtype: "f32" as const, tokenizerFiles: {}, generationConfig: null, modelCard: "card\n" };

describe("merge", () => {
  it.each(CASES)("%s: merged logits = base + adapter logits within 1e-5", async (_, c) => {
    const { base, adapter, logits, vocabSize } = await caseFiles(c);
    const files = mergedFolderFiles(await planMerge(base, adapter, vocabSize), folderOptions);
    expect(files.map((f) => f.path)).toEqual(["config.json", "generation_config.json", "README.md", "model.safetensors"]);
    const config = new TextDecoder().decode(await collect(files[0]));
    const merged = await loadModelFromFiles(config, [{ name: "merged", source: await collect(files[3]) }]);
    const got = tf.tidy(() => forward(merged, IDS).dataSync() as Float32Array);
    disposeModel(merged);
    expect(maxDiff(got, logits)).toBeLessThan(1e-5);
    // A merge that dropped the adapter would be caught: the adapter moves the logits by far more.
    const plain = await loadModelFromFiles(config, [
      { name: "base", source: await collect(mergedFolderFiles(await planMerge(base, null), folderOptions)[3]) },
    ]).catch(() => null);
    if (plain && !c.added && !c.grown) {
      const before = tf.tidy(() => forward(plain, IDS).dataSync() as Float32Array);
      expect(maxDiff(before, logits)).toBeGreaterThan(1e-2);
    }
    if (plain) disposeModel(plain);
  });

  it("shards past the size limit, with an index naming every tensor's file, and loads the same", async () => {
    const { base, adapter, logits } = await caseFiles(CASES[0][1]);
    const files = mergedFolderFiles(await planMerge(base, adapter), { ...folderOptions, shardBytes: 20_000 });
    const index = files.find((f) => f.path === "model.safetensors.index.json")!;
    const indexJson = JSON.parse(new TextDecoder().decode(await collect(index)));
    const shardNames = shardsOfIndex(indexJson, (why) => new Error(why));
    expect(shardNames.length).toBeGreaterThan(1);
    expect(shardNames[0]).toMatch(/^model-00001-of-0000\d\.safetensors$/);
    const sources = await Promise.all(shardNames.map(async (n) => ({ name: n, source: await collect(files.find((f) => f.path === n)!) })));
    for (const s of sources) expect(s.source.length).toBeLessThanOrEqual(20_000 + 4096); // a tensor over the limit alone is the one exception
    expect(indexJson.metadata.total_size).toBe(
      sources.reduce((n, s) => n + s.source.length, 0) -
        sources.reduce((n, s) => n + 8 + Number(new DataView(s.source.buffer).getBigUint64(0, true)), 0),
    );
    const config = new TextDecoder().decode(await collect(files[0]));
    const merged = await loadModelFromFiles(config, sources);
    expect(
      maxDiff(
        tf.tidy(() => forward(merged, IDS).dataSync() as Float32Array),
        logits,
      ),
    ).toBeLessThan(1e-5);
    disposeModel(merged);
  });

  it("writes 16-bit folders in the dtype asked for, with config.json saying so", async () => {
    const { base, adapter } = await caseFiles(CASES[3][1]);
    const files = mergedFolderFiles(await planMerge(base, adapter), { ...folderOptions, dtype: "bf16" });
    expect(JSON.parse(new TextDecoder().decode(await collect(files[0]))).torch_dtype).toBe("bfloat16");
    const st = await collect(files.at(-1)!);
    const header = JSON.parse(new TextDecoder().decode(st.subarray(8, 8 + Number(new DataView(st.buffer).getBigUint64(0, true)))));
    expect(
      new Set(
        Object.entries(header)
          .filter(([k]) => k !== "__metadata__")
          .map(([, v]) => (v as { dtype: string }).dtype),
      ),
    ).toEqual(new Set(["BF16"]));
  });

  it("hands out the tensors the adapter leaves alone as the checkpoint's bytes, and only the adapted ones as float32", async () => {
    const { base, adapter } = await caseFiles({ spec: { arch: "LlamaForCausalLM" } });
    const lora = JSON.parse(String(adapter.config)) as { target_modules: string[] };
    const plan = await planMerge(base, { ...adapter, config: { ...JSON.parse(String(adapter.config)), target_modules: ["q_proj"] } });
    expect(lora.target_modules.length).toBeGreaterThan(1); // the adapter has more modules than this merge targets
    for (const t of plan.tensors) {
      const got = await plan.read(t);
      const adapted = t.name.endsWith("q_proj.weight");
      expect(got.raw === null, t.name).toBe(adapted);
      expect(got.data === null, t.name).toBe(!adapted);
    }
  });
});
