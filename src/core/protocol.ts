// The training worker's message protocol: one discriminated union each way (web-llm's message.ts).
// The worker validates what it receives with these schemas; both sides switch exhaustively.
import { z } from "zod";
import type { TrainingSettings } from "./playgroundState";

export const BACKENDS = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** One tokenized, masked training example (labels use -100 for masked positions). */
export interface TrainExample {
  inputIds: number[];
  labels: number[];
}

/** A prompt to answer greedily while training: each training prompt and the holdout. */
export interface EvalPrompt {
  kind: "train" | "holdout";
  inputIds: number[];
}

/** The model to train: the bundled default (built in the worker) or files the page loaded. */
export type ModelSpec =
  | { kind: "bundled"; vocabSize: number; eosTokenId: number | null }
  /** Weights as Blobs: the Cache API and dropped files give Blobs, read tensor by tensor in the worker. */
  | { kind: "files"; name: string; config: unknown; weights: Array<{ name: string; blob: Blob }> };

export interface ModelInfo {
  name: string;
  architecture: string;
  parameters: number;
  vocabSize: number;
  /** Linear layer names LoRA can target (q_proj, v_proj, query_key_value, ...). */
  linearModules: string[];
  /** PEFT's default target_modules for this architecture. */
  defaultTargets: string[];
}

export interface StepMetrics {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Label tokens counted by the loss in this step. */
  tokens: number;
  tokensPerSecond: number;
  msPerStep: number;
}

export type RunState = "running" | "paused" | "stopped" | "finished" | "failed";
export type RunErrorKind = "nan" | "device-lost" | "out-of-memory" | "other";

const ids = z.array(z.number().int().min(-100));

const trainingSettingsSchema: z.ZodType<TrainingSettings> = z.strictObject({
  epochs: z.number().positive(),
  maxSteps: z.number().int().min(0),
  learningRate: z.number().positive().max(10),
  batchSize: z.number().int().positive(),
  maxSeqLength: z.number().int().positive(),
  warmupSteps: z.number().int().min(0),
  seed: z.number().int(),
  generateEvery: z.number().int().min(0),
  maxNewTokens: z.number().int().positive().max(512),
  lora: z.strictObject({
    r: z.number().int().positive(),
    loraAlpha: z.number().positive(),
    loraDropout: z.number().min(0).max(1),
    targetModules: z.array(z.string()),
    useRslora: z.boolean(),
    trainNewTokenRows: z.boolean(),
  }),
});

export const toWorkerSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("init"), backends: z.array(z.enum(BACKENDS)).min(1) }),
  z.strictObject({
    type: z.literal("load-model"),
    model: z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("bundled"), vocabSize: z.number().int().positive(), eosTokenId: z.number().int().nullable() }),
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
    examples: z.array(z.strictObject({ inputIds: ids, labels: ids })).min(1),
    prompts: z.array(z.strictObject({ kind: z.enum(["train", "holdout"]), inputIds: ids })),
    settings: trainingSettingsSchema,
    /** Ids that end a generation (the tokenizer's EOS and the end marker). */
    stopIds: z.array(z.number().int()),
    /** Ids of tokens added at runtime: their embedding rows are new. */
    newTokenIds: z.array(z.number().int()),
  }),
  z.strictObject({ type: z.literal("pause"), runId: z.string() }),
  z.strictObject({ type: z.literal("resume"), runId: z.string() }),
  z.strictObject({ type: z.literal("stop"), runId: z.string() }),
  z.strictObject({ type: z.literal("teacher-forced"), requestId: z.number().int(), runId: z.string().nullable(), inputIds: ids }),
  z.strictObject({ type: z.literal("export-adapter"), runId: z.string() }),
  /** Frees a run's adapter in the worker (the page keeps its record). */
  z.strictObject({ type: z.literal("delete-run"), runId: z.string() }),
]);

export type ToWorker = z.infer<typeof toWorkerSchema>;

export type FromWorker =
  | {
      type: "backend";
      backend: BackendName;
      fallbacks: Array<{ backend: BackendName; reason: string }>;
      /** The WebGPU adapter, e.g. "google swiftshader"; software says it emulates a GPU on the CPU. */
      adapter: { description: string; software: boolean } | null;
    }
  | { type: "model-loaded"; info: ModelInfo }
  | { type: "model-error"; message: string }
  | { type: "run-started"; runId: string; totalSteps: number; trainableParameters: number }
  | { type: "step"; runId: string; metrics: StepMetrics }
  | { type: "generations"; runId: string; step: number; outputs: number[][] }
  | { type: "run-state"; runId: string; state: RunState }
  | { type: "run-error"; runId: string; step: number; kind: RunErrorKind; message: string; nextBackend: BackendName | null }
  | { type: "teacher-forced"; requestId: number; predictions: number[] }
  | { type: "adapter"; runId: string; configJson: string; safetensors: ArrayBuffer }
  | { type: "protocol-error"; message: string };

/** Parses a message arriving at the worker; a bad one becomes a protocol-error reply, not a crash. */
export function parseToWorker(data: unknown): { ok: true; msg: ToWorker } | { ok: false; message: string } {
  const r = toWorkerSchema.safeParse(data);
  if (r.success) return { ok: true, msg: r.data };
  const issue = r.error.issues[0];
  return { ok: false, message: `bad message to the training worker at ${issue.path.join(".") || "(root)"}: ${issue.message}` };
}
