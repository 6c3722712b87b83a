// The training worker's message protocol: one discriminated union each way (web-llm's message.ts),
// inside the envelope both workers share (workerEnvelope.ts): each request `{ id, request }` gets
// exactly one reply or error for its id; steps, generations and run states stream as events.
// Both ends validate what they receive with these schemas and switch exhaustively.
import { z } from "zod";
import { answerSchema, envelopeSchema, parseMessage, type Envelope, type Parsed } from "./workerEnvelope";
import { fieldSchema } from "./settings/fields";
import { TRAINING_FIELDS, TrainingSettingsSchema } from "./settings/trainingSettings";
import { GenerationSettingsSchema } from "./settings/generationSettings";
import { IGNORE_INDEX, type TrainExample } from "./types";
import { flatExamplesSchema, unflattenExamples, type FlatExamples } from "./flatExamples";
import { CHECKPOINT_FILE_NAMES, type CheckpointFileName } from "./checkpointFiles";

export const BACKENDS = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * What the page asks for: "auto" (every backend, fastest first) or "<backend> first" (that one, then
 * the ones after it). A software WebGPU adapter (SwiftShader, llvmpipe, lavapipe, or a browser's
 * fallback adapter) runs the GPU's work on the CPU: measured on a 2-core machine, the default run took
 * 456 s there against 20.8 s on wasm, so "auto" ranks it after wasm; "webgpu first" still uses it.
 */
export type BackendChoice = "auto" | BackendName;
export const SOFTWARE_WEBGPU = ["after-wasm", "as-ordered"] as const;
export type SoftwareWebgpu = (typeof SOFTWARE_WEBGPU)[number];

export function backendPlan(choice: BackendChoice): { backends: BackendName[]; softwareWebgpu: SoftwareWebgpu } {
  if (choice === "auto") return { backends: [...BACKENDS], softwareWebgpu: "after-wasm" };
  return { backends: BACKENDS.slice(BACKENDS.indexOf(choice)), softwareWebgpu: "as-ordered" };
}

export type { TrainExample } from "./types";

export const RUN_STATES = ["running", "paused", "stopped", "finished", "failed"] as const;
export type RunState = (typeof RUN_STATES)[number];
/** Why a generation ended: a stop id (EOS / end marker), max_new_tokens, or the page's stop. */
export const FINISH_REASONS = ["eos", "length", "stopped"] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];
export const RUN_ERROR_KINDS = ["nan", "device-lost", "out-of-memory", "other"] as const;
export type RunErrorKind = (typeof RUN_ERROR_KINDS)[number];

// Input ids are token ids; labels are token ids or -100 (masked), and there is one label per input
// id. Whether an id is inside the vocabulary is the worker's check: only it knows the model.
const tokenId = z.number().int("expected a whole token id").min(0, "expected a token id ≥ 0 (-100 belongs in labels, not input ids)");
const ids = z.array(tokenId);
const label = z
  .number()
  .int("expected a whole token id or -100")
  .refine((l) => l === IGNORE_INDEX || l >= 0, `expected a token id ≥ 0, or ${IGNORE_INDEX} where the position is masked`);
const exampleSchema = z.strictObject({ inputIds: ids, labels: z.array(label) });
const examplesSchema = z
  .array(exampleSchema)
  .min(1)
  .superRefine((examples, ctx) => {
    const k = examples.findIndex((e) => e.inputIds.length !== e.labels.length);
    if (k < 0) return;
    const e = examples[k];
    ctx.addIssue({
      code: "custom",
      path: [k, "labels"],
      message: `example ${k + 1} has ${e.labels.length} labels for ${e.inputIds.length} input ids; expected one label per input id (${IGNORE_INDEX} where masked)`,
    });
  });

/** A prompt to answer greedily while training: each training prompt and the holdout. */
const evalPromptSchema = z.strictObject({ kind: z.enum(["train", "holdout"]), inputIds: ids });
export type EvalPrompt = z.infer<typeof evalPromptSchema>;

export const toWorkerSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("init"), backends: z.array(z.enum(BACKENDS)).min(1), softwareWebgpu: z.enum(SOFTWARE_WEBGPU) }),
  z.strictObject({
    type: z.literal("load-model"),
    /**
     * The model to train: files the page loaded (the bundled default, a hub model, a dropped folder), or
     * a seeded random model built in the worker (the protocol tests and the fault harness).
     */
    model: z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("seeded"), vocabSize: z.number().int().positive(), eosTokenId: z.number().int().nullable() }),
      /** Weights as Blobs: the Cache API and dropped files give Blobs, read tensor by tensor in the worker. */
      z.strictObject({
        kind: z.literal("files"),
        name: z.string(),
        config: z.unknown(),
        weights: z.array(z.strictObject({ name: z.string(), blob: z.instanceof(Blob) })).min(1),
      }),
    ]),
  }),
  z.strictObject({
    type: z.literal("start"),
    runId: z.string(),
    // The page sends them flat (core/flatExamples.ts: a long list's arrays are slow to post); tests and
    // the CLI harness may send arrays. Either way the worker gets arrays, checked alike.
    examples: z.preprocess((v) => (flatExamplesSchema.safeParse(v).success ? unflattenExamples(v as FlatExamples) : v), examplesSchema),
    prompts: z.array(evalPromptSchema),
    // The settings table's own schema: the worker accepts exactly what the form, the link and the CLI do.
    settings: TrainingSettingsSchema,
    /** Ids that end a generation (the tokenizer's EOS and the end marker). */
    stopIds: z.array(z.number().int()),
    /** Ids of tokens added at runtime: their embedding rows are new. */
    newTokenIds: ids,
    /** A checkpoint of this run to continue from (the same examples and settings): resume_from_checkpoint. */
    // train false: restore and hold (stopped, or finished when no step is left) for a "continue" to extend.
    resumeFrom: z.strictObject({ step: z.number().int().min(0), files: checkpointBuffersSchema(), train: z.boolean() }).optional(),
  }),
  z.strictObject({ type: z.literal("pause"), runId: z.string() }),
  z.strictObject({ type: z.literal("resume"), runId: z.string() }),
  z.strictObject({ type: z.literal("stop"), runId: z.string() }),
  /** A finished or stopped run trains `epochs` more on the same adapter and optimizer (the notebook's second trainer.train()). */
  z.strictObject({ type: z.literal("continue"), runId: z.string(), epochs: fieldSchema(TRAINING_FIELDS.epochs) }),
  z.strictObject({ type: z.literal("teacher-forced"), runId: z.string().nullable(), inputIds: ids }),
  z.strictObject({ type: z.literal("export-adapter"), runId: z.string() }),
  /** Frees a run's adapter in the worker (the page keeps its record). */
  z.strictObject({ type: z.literal("delete-run"), runId: z.string() }),
  /**
   * A chat answer: the base model (runId null) or a run's adapter as it is now (between steps while
   * it trains) continues inputIds; each token streams as "generated-token", the reply ends it.
   */
  z.strictObject({
    type: z.literal("generate"),
    generationId: z.string(),
    runId: z.string().nullable(),
    inputIds: ids.min(1, "expected a prompt of at least one token"),
    settings: GenerationSettingsSchema,
    stopIds: z.array(z.number().int()),
  }),
  /** Ends a generation after its current token (its reply then says "stopped"). */
  z.strictObject({ type: z.literal("stop-generation"), generationId: z.string() }),
  /** A run's PEFT adapter from the page's storage (a run restored after a reload), to chat with. */
  z.strictObject({ type: z.literal("load-adapter"), runId: z.string(), configJson: z.string(), safetensors: z.instanceof(ArrayBuffer) }),
]);

/** A request as the worker reads it (the flat examples of a `start` made arrays again). */
export type ToWorker = z.infer<typeof toWorkerSchema>;
export type ToWorkerEnvelope = Envelope<ToWorker>;
export type ModelSpec = Extract<ToWorker, { type: "load-model" }>["model"];
type StartSent = Omit<Extract<ToWorker, { type: "start" }>, "examples"> & { examples: FlatExamples | TrainExample[] };
/** A request as the page posts it: a `start` may carry its examples flat. */
export type ToWorkerSent = Exclude<ToWorker, { type: "start" }> | StartSent;
export const toWorkerEnvelopeSchema = envelopeSchema(toWorkerSchema);

// Metric values may be NaN or ±Infinity (a diverging gradient norm), which z.number() refuses.
const metric = z.custom<number>((v) => typeof v === "number", "expected a number");
const count = z.number().int().min(0);
const backend = z.enum(BACKENDS);

const modelInfoSchema = z.strictObject({
  name: z.string(),
  architecture: z.string(),
  parameters: count,
  vocabSize: count,
  /** Linear layer names LoRA can target (q_proj, v_proj, query_key_value, ...). */
  linearModules: z.array(z.string()),
  /** PEFT's default target_modules for this architecture. */
  defaultTargets: z.array(z.string()),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

/** A backend the worker did not use, and why: it failed to start, or its WebGPU adapter is software. */
const backendFallbackSchema = z.strictObject({ backend, kind: z.enum(["failed", "software"]), reason: z.string() });
export type BackendFallback = z.infer<typeof backendFallbackSchema>;

/** One optimizer step, as the engine's Trainer returns it, the worker sends it and a run record keeps it. */
export const stepMetricsSchema = z.strictObject({
  step: count,
  totalSteps: count,
  epoch: metric,
  loss: metric,
  /** The learning rate this step used (after warmup and decay). */
  learningRate: metric,
  /** Global gradient norm before clipping. */
  gradNorm: metric,
  /** Label tokens counted by the loss in this step: the trained tokens. */
  tokens: count,
  tokensPerSecond: metric,
  /** Tokens the model read in this step (padding excluded): what the forward pass paid for. */
  inputTokens: count,
  inputTokensPerSecond: metric,
  msPerStep: metric,
  /** The eval loss measured after this step, on the steps eval_strategy evaluates at (engine/evaluation.ts). */
  evalLoss: metric.optional(),
});
export type StepMetrics = z.infer<typeof stepMetricsSchema>;

/** A run command's reply says only that the worker took it. */
const ack = <T extends "pause" | "resume" | "stop" | "delete-run">(type: T) => z.strictObject({ type: z.literal(type), runId: z.string() });

/** What a reply carries, one kind per request type (`type` names the request it answers). */
export const workerResultSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("init"), backend }),
  z.strictObject({ type: z.literal("load-model"), info: modelInfoSchema }),
  /** The run was accepted and its first step is next; it then streams events. */
  z.strictObject({ type: z.literal("start"), runId: z.string(), totalSteps: count, trainableParameters: count }),
  ack("pause"),
  ack("resume"),
  ack("stop"),
  ack("delete-run"),
  /** The run's new plan: the steps so far plus the continued epochs. */
  z.strictObject({ type: z.literal("continue"), runId: z.string(), totalSteps: count }),
  /** predictions[t] = the model's guess for inputIds[t + 1]. */
  z.strictObject({ type: z.literal("teacher-forced"), predictions: z.array(z.number().int()) }),
  z.strictObject({ type: z.literal("export-adapter"), runId: z.string(), configJson: z.string(), safetensors: z.instanceof(ArrayBuffer) }),
  /** The whole answer (also streamed) and why it ended: a stop id, max_new_tokens, or a stop-generation. */
  z.strictObject({
    type: z.literal("generate"),
    generationId: z.string(),
    tokens: z.array(z.number().int()),
    finish: z.enum(FINISH_REASONS),
  }),
  z.strictObject({ type: z.literal("stop-generation"), generationId: z.string() }),
  z.strictObject({ type: z.literal("load-adapter"), runId: z.string() }),
]);

export type WorkerResult = z.infer<typeof workerResultSchema>;
/** The result that answers a request of type T. */
export type ResultFor<T extends ToWorker["type"]> = Extract<WorkerResult, { type: T }>;
// Compile-time proof that every request type has a result kind (else this is `never`, an error).
const _everyRequestAnswered: [Exclude<ToWorker["type"], WorkerResult["type"]>] extends [never] ? true : never = true;
void _everyRequestAnswered;

/** A checkpoint's files as ArrayBuffers, which postMessage hands over without copying. */
export type CheckpointBuffers = Record<CheckpointFileName, ArrayBuffer>;
function checkpointBuffersSchema(): z.ZodType<CheckpointBuffers> {
  return z.strictObject(
    Object.fromEntries(CHECKPOINT_FILE_NAMES.map((n) => [n, z.instanceof(ArrayBuffer)])),
  ) as unknown as z.ZodType<CheckpointBuffers>;
}

export const fromWorkerSchema = z.discriminatedUnion("type", [
  ...answerSchema(workerResultSchema),
  z.strictObject({
    type: z.literal("backend"),
    backend,
    fallbacks: z.array(backendFallbackSchema),
    /** The WebGPU adapter, e.g. "google swiftshader"; software says it emulates a GPU on the CPU. */
    adapter: z.strictObject({ description: z.string(), software: z.boolean() }).nullable(),
  }),
  z.strictObject({ type: z.literal("step"), runId: z.string(), metrics: stepMetricsSchema }),
  z.strictObject({ type: z.literal("generations"), runId: z.string(), step: count, outputs: z.array(z.array(z.number().int())) }),
  /** One token of a chat answer, as soon as it is chosen. */
  z.strictObject({ type: z.literal("generated-token"), generationId: z.string(), token: z.number().int() }),
  z.strictObject({ type: z.literal("run-state"), runId: z.string(), state: z.enum(RUN_STATES) }),
  /**
   * A run's checkpoint after `step` (every save_steps, at least every minute of training, and at pause,
   * stop and finish), for the page to keep; `ms` is what taking it cost the worker.
   */
  z.strictObject({
    type: z.literal("checkpoint"),
    runId: z.string(),
    step: count,
    ms: z.number().min(0),
    files: checkpointBuffersSchema(),
  }),
  /** A run that was started failed later (its start was already answered). */
  z.strictObject({
    type: z.literal("run-error"),
    runId: z.string(),
    step: count,
    kind: z.enum(RUN_ERROR_KINDS),
    message: z.string(),
    nextBackend: backend.nullable(),
  }),
  /** A message the worker could not read an id from, so no request can be answered. */
  z.strictObject({ type: z.literal("protocol-error"), message: z.string() }),
]);

export type FromWorker = z.infer<typeof fromWorkerSchema>;

/** A message arriving at the worker; a bad one is answered (for its id, when readable), not a crash. */
export function parseToWorker(data: unknown): Parsed<ToWorkerEnvelope> {
  return parseMessage(toWorkerEnvelopeSchema, data, "to the training worker");
}

/** A message arriving at the page; a bad one fails its request (or is reported), never half-applied. */
export function parseFromWorker(data: unknown): Parsed<FromWorker> {
  return parseMessage(fromWorkerSchema, data, "from the training worker");
}
