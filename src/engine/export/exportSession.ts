// The model export worker's handler, apart from the worker entry so that Node tests can drive it: a
// job becomes the merged folder's files or one GGUF, handed out a chunk per pull.

import type { FromModelExportWorker, ModelExportJob } from "../../core/export/modelExportProtocol";
import { ggufFile } from "./ggufExport";
import { mergedFolderFiles, type OutputFile } from "./hfFolder";
import { planMerge, type MergePlan } from "./merge";

/** Counts the tensors read, for progress (a GGUF reads BLOOM's tied embedding twice: at most one over). */
function counted(plan: MergePlan, expected: number): { plan: MergePlan; progress: () => number } {
  let reads = 0;
  return {
    plan: { ...plan, read: (t) => plan.read(t).then((r) => (reads++, r)) },
    progress: () => Math.min(1, reads / expected),
  };
}

export interface ExportSession {
  /** The next message: a chunk, the end, or the error that stopped the export. */
  next(): Promise<FromModelExportWorker>;
}

export async function startExport(job: ModelExportJob): Promise<ExportSession> {
  const base = await planMerge(
    { config: job.base.config as object, shards: job.base.weights.map((w) => ({ name: w.name, source: w.blob })) },
    { config: job.adapter.configJson, weights: new Uint8Array(job.adapter.safetensors) },
    job.vocabSize,
  );
  const { plan, progress } = counted(base, base.tensors.length);
  const tokenizerFiles = {
    "tokenizer.json": JSON.stringify(job.tokenizerJson),
    "tokenizer_config.json": `${JSON.stringify(job.tokenizerConfig, null, 2)}\n`,
  };
  const files: OutputFile[] =
    job.format === "gguf"
      ? [
          ggufFile(`${job.name}.gguf`, plan, {
            type: job.ggufType,
            name: job.name,
            tokenizerJson: job.tokenizerJson,
            tokenizerConfig: job.tokenizerConfig,
            chatTemplate: job.chatTemplate,
          }),
        ]
      : mergedFolderFiles(plan, { tokenizerFiles, generationConfig: null, modelCard: job.modelCard });
  async function* messages(): AsyncGenerator<FromModelExportWorker> {
    for (const file of files) {
      // One chunk behind, so the last chunk of a file can say so.
      let held: Uint8Array | null = null;
      for await (const bytes of file.chunks()) {
        if (held) yield { type: "chunk", path: file.path, bytes: held, last: false, progress: progress() };
        held = bytes;
      }
      yield { type: "chunk", path: file.path, bytes: held ?? new Uint8Array(0), last: true, progress: progress() };
    }
    yield { type: "end" };
  }
  const it = messages();
  return {
    async next() {
      try {
        const r = await it.next();
        return r.done ? { type: "end" } : r.value;
      } catch (err) {
        return { type: "error", message: (err as Error).message };
      }
    },
  };
}
