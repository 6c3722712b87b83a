// "merged ⤓" and "GGUF ⤓" on a finished run: the run's adapter merged into the loaded base model in a
// worker of its own (workers/modelExport.worker.ts, engine/export/), written to a file the user picks
// as the bytes come (showSaveFilePicker), else collected and downloaded. The worker reads the base
// from the same Blobs the training worker was given, a tensor at a time, and is one chunk ahead of the
// disk at most: the page holds no copy of the model. Cancel terminates the worker.
import { Zip, ZipPassThrough } from "fflate";
import { chatFormat, ollamaModelfile } from "../core/export/gguf/promptFormat";
import type { GgufOutType } from "../core/export/gguf/quantise";
import { embeddingRows } from "../core/export/config";
import { modelCard } from "../core/export/modelCard";
import type { FromModelExportWorker, ModelExportFormat, ModelExportJob, ToModelExportWorker } from "../core/export/modelExportProtocol";
import { environment, type FileSink } from "./environment";
import { exportFolderName, runExportInput } from "./exportActions";
import { currentModelSpec } from "./modelLoading";
import { store } from "../store/playgroundStore";
import { adapterFiles } from "./runsStorage";
import { exampleCutLength } from "../core/trainingData";
import { trainingDataFor } from "./trainingActions";

/** Weights past this (with the small files beside them) would overflow a zip without zip64. */
const ZIP_LIMIT_BYTES = 2 ** 32 - 2 ** 24;

export interface ModelExportOptions {
  ggufType: GgufOutType;
  /** Share of the tensors written so far, 0 … 1. */
  onProgress(fraction: number): void;
  signal: AbortSignal;
}

/** Where the bytes go: the picked file, or memory for a download at the end. */
function sinkFor(picked: FileSink | null, fileName: string, type: string): FileSink {
  if (picked) return picked;
  const parts: BlobPart[] = [];
  return {
    write: async (b) => void parts.push(b as Uint8Array<ArrayBuffer>),
    close: async () => environment().downloads.save(fileName, new Blob(parts, { type }), type),
    abort: async () => void (parts.length = 0),
  };
}

/** The job for the worker: base, adapter, tokenizer (with the run's added tokens), card, chat template. */
async function exportJob(runId: string, format: ModelExportFormat, ggufType: GgufOutType) {
  const run = store().runs[runId];
  if (!run) throw new Error("This run was deleted; export another one.");
  const input = runExportInput(run); // says what to do when the loaded model or the labels are not the run's
  const s = store();
  const got = trainingDataFor({ examples: s.examples, formatting: s.formatting, masking: s.masking }, exampleCutLength(run.settings));
  if ("error" in got) throw new Error(`Cannot export ${run.label}: ${got.error}`);
  const { spec } = currentModelSpec();
  const adapter = await adapterFiles(runId);
  const prepared = got.view.prepared;
  const chat = chatFormat(prepared);
  const { tokenizerJson, tokenizerConfig } = prepared.tokenizer.savedFiles();
  // transformers' apply_chat_template then formats as the page trained; a tokenizer's own template stays.
  if (chat.chatTemplate !== null) tokenizerConfig.chat_template = chat.chatTemplate;
  const lora = JSON.parse(adapter.configJson) as {
    r: number;
    lora_alpha: number;
    use_rslora?: boolean;
    target_modules?: string[] | string | null;
    trainable_token_indices?: unknown;
  };
  const name = exportFolderName(run.label);
  const job: ModelExportJob = {
    format,
    ggufType,
    base: { config: spec.config, weights: spec.weights },
    adapter: { configJson: adapter.configJson, safetensors: adapter.safetensors },
    vocabSize: embeddingRows(input),
    tokenizerJson,
    tokenizerConfig,
    modelCard: modelCard({
      baseModel: run.modelName,
      lora: {
        r: lora.r,
        loraAlpha: lora.lora_alpha,
        useRslora: lora.use_rslora ?? false,
        targetModules: lora.target_modules ?? null,
        newTokenRows: lora.trainable_token_indices != null,
      },
      dtype: "the base model's dtype",
      run: {
        label: run.label,
        strategy: input.strategy ?? "pre-tokenized labels",
        examples: input.examples.length,
        steps: input.run?.steps ?? 0,
        finalLoss: input.run?.finalLoss ?? null,
        settings: run.settings as unknown as Record<string, unknown>,
      },
    }),
    name,
    chatTemplate: chat.chatTemplate,
  };
  return { job, name, modelfile: ollamaModelfile(`${name}.gguf`, chat.format, chat.chatTemplate, chat.stops) };
}

/** Runs the worker, pulling chunks until the end; `take` gets each chunk and finishes writing it first. */
function runWorker(
  job: ModelExportJob,
  options: ModelExportOptions,
  take: (msg: Extract<FromModelExportWorker, { type: "chunk" }>) => Promise<void>,
): Promise<void> {
  const worker = new Worker(new URL("../../workers/modelExport.worker.ts", import.meta.url), { type: "module", name: "model-export" });
  const send = (msg: ToModelExportWorker) => worker.postMessage(msg);
  return new Promise<void>((resolve, reject) => {
    const stop = (err: Error | null) => {
      worker.terminate();
      options.signal.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => stop(new DOMException("The export was cancelled.", "AbortError"));
    options.signal.addEventListener("abort", onAbort);
    worker.onerror = (e) =>
      stop(new Error(`The export worker failed: ${e.message || "it could not start"}; reload the page and try again.`));
    worker.onmessage = (e: MessageEvent<FromModelExportWorker>) => {
      const msg = e.data;
      switch (msg.type) {
        case "chunk":
          options.onProgress(msg.progress);
          take(msg).then(
            () => !options.signal.aborted && send({ type: "pull" }),
            (err: Error) => stop(err),
          );
          return;
        case "end":
          options.onProgress(1);
          return stop(null);
        case "error":
          return stop(new Error(msg.message));
        default: {
          const _: never = msg;
          return _;
        }
      }
    };
    send({ type: "start", job });
    send({ type: "pull" });
  });
}

/**
 * Exports the run's merged model: "merged" as a zip of the Hugging Face folder (stored, not
 * compressed: weights do not deflate), "gguf" as one .gguf with its Ollama Modelfile downloaded beside.
 */
export async function exportModel(runId: string, format: ModelExportFormat, options: ModelExportOptions): Promise<void> {
  const { job, name, modelfile } = await exportJob(runId, format, options.ggufType);
  // fflate writes zips without the zip64 extension, so a folder's files must stay under 4 GiB.
  const baseBytes = job.base.weights.reduce((n, w) => n + w.blob.size, 0);
  if (format === "merged" && baseBytes > ZIP_LIMIT_BYTES)
    throw new Error(
      `The merged folder would be ${(baseBytes / 2 ** 30).toFixed(1)} GiB, over the 4 GiB a zip holds here; merge with the CLI (npm run -s cli -- merge), or download GGUF.`,
    );
  const fileName = format === "gguf" ? `${name}.gguf` : `${name}-merged.zip`;
  const type = format === "gguf" ? "application/octet-stream" : "application/zip";
  const sink = sinkFor(await environment().downloads.pickFile(fileName), fileName, type);
  try {
    if (format === "gguf") await runWorker(job, options, (msg) => sink.write(msg.bytes));
    else await zipped(job, options, name, sink);
    await sink.close();
  } catch (err) {
    await sink.abort().catch(() => {});
    throw err;
  }
  if (format === "gguf") environment().downloads.save("Modelfile", modelfile, "application/octet-stream"); // text/plain would make it Modelfile.txt
}

/** The folder's files into a zip written as they come: each chunk is zipped and written before the next is pulled. */
async function zipped(job: ModelExportJob, options: ModelExportOptions, folder: string, sink: FileSink): Promise<void> {
  let out: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    out.push(data);
  });
  const flush = async () => {
    const ready = out;
    out = [];
    for (const b of ready) await sink.write(b);
  };
  let entry: ZipPassThrough | null = null;
  await runWorker(job, options, async (msg) => {
    if (!entry) {
      entry = new ZipPassThrough(`${folder}/${msg.path}`);
      zip.add(entry);
    }
    entry.push(msg.bytes, msg.last);
    if (msg.last) entry = null;
    await flush();
  });
  zip.end();
  await flush();
}
