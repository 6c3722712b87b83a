// The dataset worker's protocol, in the envelope both workers share (src/core/workerEnvelope.ts):
// the page posts `{ id, request }` with a File; the worker streams it through readDataset, posts
// progress events for that read, and answers the id once, with the result (plain data,
// structured-clonable) or an error. Both directions have a zod schema, checked on arrival at each
// end. The worker entry is a few lines that hand messages to handleDatasetMessage; tested in Node.
import { z } from "zod";
import { flatExamplesSchema } from "../flatExamples";
import { ChatExampleSchema } from "../chat/exampleSchema";
import { answerSchema, envelopeSchema, errorMessage, parseMessage, requestId, type Envelope, type Parsed } from "../workerEnvelope";
import { prepareMasking, type PreparedMasking } from "../masking/prepare";
import { FormattingSchema, MaskingSchema } from "../share/schema";
import { PlaygroundTokenizer, type TokenizerFiles } from "../tokenizer/playgroundTokenizer";
import { readDataset } from "./read";
import { tokenizeBatch, type TokenizedBatch } from "./tokenizedBatch";
import type { Formatting, MaskingOptions } from "../types";
import { count, datasetResultSchema, workerReadOptionsSchema } from "./types";

export const datasetRequestSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("read"), name: z.string(), file: z.instanceof(Blob), options: workerReadOptionsSchema }),
  /** Stops the read posted under `readId` early; that read is answered with what it read so far. */
  z.strictObject({ type: z.literal("cancel"), readId: requestId }),
  /**
   * Tokenizes and masks examples `first`, `first + 1`, … as the mask view does. The tokenizer's files
   * come with the first request for its `key` (a worker keeps one tokenizer); later ones send null.
   */
  z.strictObject({
    type: z.literal("tokenize"),
    tokenizer: z.strictObject({
      key: z.string(),
      files: z.strictObject({ name: z.string(), tokenizerJson: z.unknown(), tokenizerConfig: z.unknown() }).nullable(),
    }),
    formatting: FormattingSchema,
    masking: MaskingSchema,
    examples: z.array(ChatExampleSchema),
    first: count,
  }),
]);

export type DatasetRequest = z.infer<typeof datasetRequestSchema>;
export type DatasetRequestEnvelope = Envelope<DatasetRequest>;
const datasetEnvelopeSchema = envelopeSchema(datasetRequestSchema);

/** What a reply carries, one kind per request type. */
const datasetWorkerResultSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("read"), dataset: datasetResultSchema }),
  /** `found`: a read under `readId` was still going (and now stops). */
  z.strictObject({ type: z.literal("cancel"), readId: requestId, found: z.boolean() }),
  z.strictObject({
    type: z.literal("tokenize"),
    batch: z.strictObject({
      first: count,
      tokens: flatExamplesSchema,
      trained: z.instanceof(Int32Array),
      templateNotFound: z.instanceof(Uint8Array),
      textHashes: z.instanceof(Float64Array),
    }) satisfies z.ZodType<TokenizedBatch>,
  }),
]);

export type DatasetWorkerResult = z.infer<typeof datasetWorkerResultSchema>;

const fromDatasetWorkerSchema = z.discriminatedUnion("type", [
  ...answerSchema(datasetWorkerResultSchema),
  /** How far the read posted under `readId` is; an event, not an answer (its reply or error ends it). */
  z.strictObject({ type: z.literal("progress"), readId: requestId, bytesRead: count, totalBytes: count.nullable() }),
  /**
   * The next examples of the read posted under `readId`, before its reply (whose dataset then has none):
   * 52,000 examples in one message took the page ~0.8 s to read and check in one task.
   */
  z.strictObject({ type: z.literal("examples"), readId: requestId, examples: z.array(ChatExampleSchema) }),
  /** A message without a readable id, so no request can be answered for it. */
  z.strictObject({ type: z.literal("protocol-error"), message: z.string() }),
]);

export type FromDatasetWorker = z.infer<typeof fromDatasetWorkerSchema>;

export function parseToDatasetWorker(data: unknown): Parsed<DatasetRequestEnvelope> {
  return parseMessage(datasetEnvelopeSchema, data, "to the dataset worker");
}

export function parseFromDatasetWorker(data: unknown): Parsed<FromDatasetWorker> {
  return parseMessage(fromDatasetWorkerSchema, data, "from the dataset worker");
}

const running = new Map<number, AbortController>();

/** A read's examples go to the page this many at a time (a few milliseconds of the page's time each). */
const EXAMPLES_PER_EVENT = 2000;
/** Progress is posted at most this often, so a fast read does not flood the page. */
const PROGRESS_EVERY_MS = 100;

/** Every message to the worker: answered once for its id (a refused one too, when its id can be read). */
export async function handleDatasetMessage(data: unknown, post: (msg: FromDatasetWorker) => void): Promise<void> {
  const parsed = parseToDatasetWorker(data);
  if (!parsed.ok) {
    post(
      parsed.id === null ? { type: "protocol-error", message: parsed.message } : { type: "error", id: parsed.id, message: parsed.message },
    );
    return;
  }
  const { id, request } = parsed.value;
  let result: DatasetWorkerResult;
  try {
    result = await answer(id, request, post);
  } catch (err) {
    // readDataset reports bad input in its result; an exception is the file itself failing to read.
    const what =
      request.type === "read" ? `Reading ${request.name}` : request.type === "tokenize" ? "Tokenizing examples" : "Cancelling a read";
    post({
      type: "error",
      id,
      message: `${what} failed in the dataset worker: ${errorMessage(err)}. Your examples are unchanged; try the file again.`,
    });
    return;
  }
  post({ type: "reply", id, result });
}

async function answer(id: number, request: DatasetRequest, post: (msg: FromDatasetWorker) => void): Promise<DatasetWorkerResult> {
  switch (request.type) {
    case "cancel": {
      const controller = running.get(request.readId);
      controller?.abort();
      return { type: "cancel", readId: request.readId, found: controller !== undefined };
    }
    case "read": {
      const controller = new AbortController();
      running.set(id, controller);
      let last = 0;
      try {
        const dataset = await readDataset(
          { name: request.name, size: request.file.size, bytes: request.file.stream() },
          {
            ...request.options,
            signal: controller.signal,
            // A worker has no page to keep responsive, but a macrotask now and then lets "cancel" in.
            sliceMs: 200,
            onProgress: (bytesRead, totalBytes) => {
              const now = Date.now();
              if (now - last < PROGRESS_EVERY_MS && bytesRead !== totalBytes) return;
              last = now;
              post({ type: "progress", readId: id, bytesRead, totalBytes });
            },
          },
        );
        for (let i = 0; i < dataset.examples.length; i += EXAMPLES_PER_EVENT)
          post({ type: "examples", readId: id, examples: dataset.examples.slice(i, i + EXAMPLES_PER_EVENT) });
        return { type: "read", dataset: { ...dataset, examples: [] } };
      } finally {
        running.delete(id);
      }
    }
    case "tokenize": {
      const prepared = preparedFor(request.tokenizer.key, request.tokenizer.files, request.formatting, request.masking);
      return { type: "tokenize", batch: tokenizeBatch(prepared, request.examples, request.first) };
    }
    default: {
      const _exhaustive: never = request;
      return _exhaustive;
    }
  }
}

/** The worker's one tokenizer and the settings last prepared with it (a strategy may rebuild the tokenizer: ~0.5 s for Qwen3). */
let held: { key: string; tokenizer: PlaygroundTokenizer; settings: string; prepared: PreparedMasking | null } | null = null;

function preparedFor(key: string, files: TokenizerFiles | null, formatting: Formatting, masking: MaskingOptions): PreparedMasking {
  const settings = JSON.stringify([formatting, masking]);
  if (held?.key !== key) {
    // The page sends the files with its first request for a key; a worker restarted since lost them.
    if (!files) throw new Error(`the worker has no tokenizer "${key}"; reload the page if this repeats`);
    held = { key, tokenizer: PlaygroundTokenizer.fromFiles(files), settings: "", prepared: null };
  }
  if (held.settings === settings && held.prepared) return held.prepared;
  const prepared = prepareMasking(held.tokenizer, formatting, masking);
  held = { ...held, settings, prepared };
  return prepared;
}
