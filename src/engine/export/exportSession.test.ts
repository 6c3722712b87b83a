// The export worker's handler in Node: a job pulled chunk by chunk gives each file once, in order, its
// last chunk marked, progress rising to 1; the bytes are the CLI's (hfFolder/ggufExport on the same
// merge); a broken adapter ends in an error message, not a hang.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FromModelExportWorker, ModelExportJob } from "../../core/export/modelExportProtocol";
import { QWEN3_TOKENIZER_DIR } from "../../core/testing/bundledTokenizer";
import { useCpu } from "../fixtures.testutil";
import { caseFiles, collect } from "./export.testutil";
import { startExport } from "./exportSession";
import { mergedFolderFiles } from "./hfFolder";
import { planMerge } from "./merge";

beforeAll(useCpu);

const read = (f: string) => JSON.parse(readFileSync(join(QWEN3_TOKENIZER_DIR, f), "utf8"));

async function job(format: ModelExportJob["format"]) {
  const { base, adapter } = await caseFiles({ spec: { arch: "Qwen3ForCausalLM", tied: true, headDim: 16 } });
  const bytes = base.shards[0].source as Uint8Array;
  const j: ModelExportJob = {
    format,
    ggufType: "q8_0",
    base: { config: base.config, weights: [{ name: "model.safetensors", blob: new Blob([bytes as Uint8Array<ArrayBuffer>]) }] },
    adapter: { configJson: String(adapter.config), safetensors: (adapter.weights as Uint8Array).slice().buffer },
    vocabSize: 0,
    tokenizerJson: read("tokenizer.json"),
    tokenizerConfig: read("tokenizer_config.json"),
    modelCard: "# card\n",
    name: "run-1",
    chatTemplate: null,
  };
  return { job: j, base, adapter };
}

async function pullAll(j: ModelExportJob): Promise<FromModelExportWorker[]> {
  const session = await startExport(j);
  const out: FromModelExportWorker[] = [];
  for (;;) {
    const msg = await session.next();
    out.push(msg);
    if (msg.type !== "chunk") return out;
  }
}

describe("export session", () => {
  it("merged: each file once and in order, its last chunk marked, progress to 1, the CLI's bytes", async () => {
    const { job: j, base, adapter } = await job("merged");
    const msgs = await pullAll(j);
    expect(msgs.at(-1)).toEqual({ type: "end" });
    const chunks = msgs.filter((m) => m.type === "chunk");
    const paths = [...new Set(chunks.map((c) => c.path))];
    expect(paths).toEqual([
      "config.json",
      "generation_config.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "README.md",
      "model.safetensors",
    ]);
    for (const p of paths)
      expect(
        chunks.filter((c) => c.path === p && c.last),
        p,
      ).toHaveLength(1);
    const progress = chunks.map((c) => c.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
    const weights = chunks.filter((c) => c.path === "model.safetensors").map((c) => c.bytes);
    const cli = mergedFolderFiles(await planMerge(base, adapter), { tokenizerFiles: {}, generationConfig: null, modelCard: "" }).at(-1)!;
    expect(Buffer.concat(weights).equals(Buffer.from(await collect(cli)))).toBe(true);
  });

  it("gguf: one file named after the run, starting with the GGUF magic", async () => {
    const msgs = await pullAll((await job("gguf")).job);
    const chunks = msgs.filter((m) => m.type === "chunk");
    expect(new Set(chunks.map((c) => c.path))).toEqual(new Set(["run-1.gguf"]));
    expect(new TextDecoder().decode(chunks[0].bytes.subarray(0, 4))).toBe("GGUF");
    expect(msgs.at(-1)).toEqual({ type: "end" });
  });

  it("a broken adapter is an error message", async () => {
    const { job: j } = await job("merged");
    await expect(startExport({ ...j, adapter: { ...j.adapter, configJson: "{}" } })).rejects.toThrow(/adapter_config.json/);
  });
});
