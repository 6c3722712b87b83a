// The training-step measurement behind `npm run bench`: one workload (a model, its examples, its
// LoRA and training arguments) on one backend, reported as one JSON object with the work itself, so
// that rows from different machines compare. kernels_per_step is tf.profile's count of kernels run
// by one step (forward, backward, optimizer): it does not depend on the machine, and a unit test pins it.
import { flattenExamples } from "../src/core/flatExamples";
import type { Engine } from "../src/cli/engineArgs";
import { loadModelDir } from "../src/cli/modelFiles";
import { BUNDLED_MODEL_FOLDER } from "../src/cli/tokenizerDir";
import { buildMaskView } from "../src/core/maskView";
import { DEFAULT_STATE } from "../src/core/playgroundState";
import type { BackendName } from "../src/core/protocol";
import type { PlaygroundTokenizer } from "../src/core/tokenizer/playgroundTokenizer";
import { buildTrainingData } from "../src/core/trainingData";
import { toHf } from "../src/core/settings/hf";
import type { TrainExample } from "../src/core/types";
import { PEFT_LORA_DEFAULTS, type PeftLoraConfig } from "../src/core/settings/trainerDefaults";
import type { TrainingArgs } from "../src/engine/index";
import type { CausalLM } from "../src/engine/weights";
import { narrowConfig, syntheticExamples } from "./synthetic";

/**
 * The work of a synthetic step: `examples` random sequences of `tokens` ids, the last `trained` of
 * each trained, `batch` a step, LoRA r / alpha on `targets`. Rows keep these fields, so that numbers
 * from different workloads are never compared by mistake.
 */
export interface StepShape {
  workload: string;
  examples: number;
  batch: number;
  tokens: number;
  trained: number;
  r: number;
  lora_alpha: number;
  /** null: PEFT's default for the architecture (q_proj, v_proj on Llama). */
  targets: string[] | "all-linear" | null;
}

/** `notebook`: torch_baseline.py's original work (five sequences of 20 tokens, the last 3 trained, PEFT's defaults). */
export const NOTEBOOK_SHAPE: StepShape = {
  workload: "notebook",
  examples: 5,
  batch: 1,
  tokens: 20,
  trained: 3,
  r: 8,
  lora_alpha: 8,
  targets: null,
};

/**
 * `sft`: a usual SFT step on a real model: batch 4 × 128 tokens, the last 64 of each row trained,
 * LoRA r 16 / alpha 32 on every linear layer (Unsloth's and LLaMA-Factory's usual settings).
 */
export const SFT_SHAPE: StepShape = {
  workload: "sft",
  examples: 8,
  batch: 4,
  tokens: 128,
  trained: 64,
  r: 16,
  lora_alpha: 32,
  targets: "all-linear",
};

/** The workloads by `--workload` name: one table for every bench (run.ts, page.ts, gpu/bench.ts). */
export const WORKLOADS: Record<string, StepShape> = { notebook: NOTEBOOK_SHAPE, sft: SFT_SHAPE };

/** The flags every bench takes for its step's shape (node:util parseArgs options). */
export function workloadOptions(workload: keyof typeof WORKLOADS) {
  return {
    workload: { type: "string", default: workload },
    batch: { type: "string" },
    tokens: { type: "string" },
    trained: { type: "string" },
    "lora-r": { type: "string" },
    "lora-alpha": { type: "string" },
    targets: { type: "string" },
  } as const;
}
type SizeFlag = "batch" | "tokens" | "trained" | "lora-r" | "lora-alpha";

/** --workload's shape with the flags that change one of its sizes; `fail` says what a flag got wrong. */
export function workloadShape(
  values: Partial<Record<SizeFlag | "workload" | "targets", string>>,
  fail: (message: string) => never,
): StepShape {
  const base = WORKLOADS[values.workload ?? "notebook"];
  if (base === undefined) fail(`--workload ${values.workload} is not known; give ${Object.keys(WORKLOADS).join(" or ")}.`);
  const count = (flag: SizeFlag, fallback: number) => {
    const v = values[flag];
    return v === undefined ? fallback : wholeNumber(flag, v, fail, flag === "trained" ? 0 : 1);
  };
  const targets = values.targets === undefined ? base.targets : values.targets === "all-linear" ? "all-linear" : values.targets.split(",");
  const shape: StepShape = {
    ...base,
    batch: count("batch", base.batch),
    tokens: count("tokens", base.tokens),
    trained: count("trained", base.trained),
    r: count("lora-r", base.r),
    lora_alpha: count("lora-alpha", base.lora_alpha),
    targets,
  };
  if (shape.trained > shape.tokens - 1)
    fail(`--trained ${shape.trained} must leave at least one untrained token of --tokens ${shape.tokens}.`);
  // Every batch full: at least one batch of distinct rows.
  return { ...shape, examples: Math.max(shape.examples, shape.batch) };
}

/** A bench's refusal: `${bench}: message` on stderr, exit code 2. */
export const failWith =
  (bench: string) =>
  (message: string): never => {
    console.error(`${bench}: ${message}`);
    process.exit(2);
  };

/** The flags of the benches that train a named shape (bench:page, the GPU bench); `steps`: their default. */
export function namedShapeOptions(steps: string) {
  return {
    model: { type: "string", default: "smollm2-135m" },
    ...workloadOptions("sft"),
    backend: { type: "string", default: "webgpu" },
    steps: { type: "string", default: steps },
    narrow: { type: "boolean", default: false },
  } as const;
}

/**
 * Those flags checked: --steps a whole number, --model one of NAMED_SHAPES, --backend one of
 * `backends`; the workload's shape, and the model's config (narrowed with --narrow).
 */
export function namedShapeRun(
  values: { model: string; backend: string; steps: string; narrow: boolean } & Parameters<typeof workloadShape>[0],
  backends: readonly string[],
  fail: (message: string) => never,
) {
  const steps = wholeNumber("steps", values.steps, fail);
  const named =
    (NAMED_SHAPES[values.model] as Record<string, unknown> | undefined) ??
    fail(`--model ${values.model} is not one of ${Object.keys(NAMED_SHAPES).join(", ")}.`);
  if (!backends.includes(values.backend))
    fail(`--backend ${values.backend} is not known; give ${backends.slice(0, -1).join(", ")} or ${backends.at(-1)}.`);
  return { steps, shape: workloadShape(values, fail), config: values.narrow ? narrowConfig(named) : named };
}

/** `--flag`'s value as a whole number of at least `min`. */
export function wholeNumber(flag: string, value: string, fail: (message: string) => never, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${flag} ${value} is not a whole number of at least ${min}.`);
  return n;
}

export interface Workload {
  model: string;
  /** The synthetic step's shape; absent for the page's own first run (`default` with --workload notebook). */
  shape?: StepShape;
  build(): Promise<CausalLM>;
  examples: TrainExample[];
  lora: PeftLoraConfig;
  args: Partial<TrainingArgs>;
  /** A prompt for the generation measurement (the default's first question). */
  prompt?: number[];
}

/** The page's first run: the bundled model, its default examples masked as the page masks them, its settings. */
export function defaultWorkload(engine: Engine, tokenizer: PlaygroundTokenizer): Workload {
  const state = DEFAULT_STATE;
  const view = buildMaskView(tokenizer, state.examples, state.formatting, state.masking);
  const data = buildTrainingData(view.prepared, flattenExamples(view.examples), state.examples, state.holdout, state.training.maxSeqLength);
  return {
    model: "default",
    build: () => loadModelDir(engine, BUNDLED_MODEL_FOLDER),
    examples: data.examples,
    lora: toHf(state.training).loraConfig,
    args: { ...toHf(state.training).trainingArguments, pad_token_id: tokenizer.padId ?? 0 },
    prompt: data.prompts[0].inputIds,
  };
}

/** measureSteps' row: one JSON object of `npm run bench --json`. */
export type StepRow = Awaited<ReturnType<typeof measureSteps>>;

/**
 * Training before measuring: first allocations, wasm's packed matrices, and V8's JIT, which
 * optimises tfjs's dispatch and the host kernels' JavaScript only after many calls. Measured on the
 * default (wasm, one run of 300 steps, medians): steps 1–5 13.5 ms, 31–60 7.2 ms, 61–100 6.2 ms,
 * 101–300 5.7 ms, so a small model warms up for a while; a large one is past that in a few steps.
 */
export const WARM_UP = { minSteps: 5, minSeconds: 1.5 };

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `f()` and the milliseconds it took. */
export function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** One line of `npm run bench`'s report (one JSON object with --json). */
export interface Row {
  backend: string;
  what: string;
  value: number;
  unit: string;
  note: string;
}

/** The models' real shapes, from their transformers config.json files, for random weights at the real size. */
export const NAMED_SHAPES: Record<string, object> = {
  "bloom-560m": { architectures: ["BloomForCausalLM"], vocab_size: 250_880, hidden_size: 1024, n_layer: 24, n_head: 16 },
  "smollm2-135m": {
    architectures: ["LlamaForCausalLM"],
    vocab_size: 49_152,
    hidden_size: 576,
    intermediate_size: 1536,
    num_hidden_layers: 30,
    num_attention_heads: 9,
    num_key_value_heads: 3,
    tie_word_embeddings: true,
  },
  "qwen2.5-0.5b": {
    architectures: ["Qwen2ForCausalLM"],
    vocab_size: 151_936,
    hidden_size: 896,
    intermediate_size: 4864,
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    tie_word_embeddings: true,
  },
  "qwen3-0.6b": {
    architectures: ["Qwen3ForCausalLM"],
    vocab_size: 151_936,
    hidden_size: 1024,
    intermediate_size: 3072,
    num_hidden_layers: 28,
    num_attention_heads: 16,
    num_key_value_heads: 8,
    head_dim: 128,
    tie_word_embeddings: true,
  },
};

/** Random sequences in `shape`'s sizes for `model`, to train with its LoRA. */
export function syntheticWorkload(
  engine: Engine,
  model: string,
  build: () => Promise<CausalLM>,
  vocabSize: number,
  shape: StepShape = NOTEBOOK_SHAPE,
): Workload {
  const examples = syntheticExamples(new engine.Rng(1), shape, vocabSize);
  const targets = shape.targets ?? PEFT_LORA_DEFAULTS.target_modules;
  return {
    model,
    shape,
    build,
    examples,
    lora: { ...PEFT_LORA_DEFAULTS, r: shape.r, lora_alpha: shape.lora_alpha, target_modules: targets },
    args: { learning_rate: 5e-5, per_device_train_batch_size: shape.batch },
  };
}

/**
 * The step as bench/torch_baseline.py reads it (HF's names throughout): the examples, LoRA, learning
 * rate, batch and padding of `work`, after `warmUpSteps` untimed steps. Callers add the model.
 */
export function torchStepSpec(work: Workload, warmUpSteps: number) {
  return {
    examples: work.examples.map((e) => ({ input_ids: e.inputIds, labels: e.labels })),
    lora: { r: work.lora.r, lora_alpha: work.lora.lora_alpha, target_modules: work.lora.target_modules },
    learning_rate: work.args.learning_rate,
    batch: work.args.per_device_train_batch_size ?? 1,
    pad_token_id: work.args.pad_token_id ?? 0,
    warm_up_steps: warmUpSteps,
  };
}

/** How measureSteps interleaves with a baseline measured in the same run. */
export interface Interleave {
  /** Rounds the timed steps are split into. */
  rounds: number;
  /** After the warm-up, with its step count: the baseline warms up as many. */
  warmedUp(steps: number): Promise<void>;
  /** After each round, with its step count: the baseline times as many, so that both sample the same minutes of a noisy machine. */
  afterRound(steps: number): Promise<void>;
}

export async function measureSteps(
  engine: Engine,
  work: Workload,
  backend: string,
  steps: number,
  warmUp = WARM_UP,
  interleave: Interleave | null = null,
) {
  await engine.setBackend(backend as BackendName);
  const model = await work.build();
  const lora = engine.createLora(model, work.lora, 1);
  // What the page's worker would refuse, the bench refuses too, instead of aborting mid-step.
  const batch = work.args.per_device_train_batch_size ?? 1;
  const trainable = engine.trainableParameterCount(lora);
  const lengths = work.examples.map((e) => e.inputIds.length);
  const refusal = engine.trainingMemoryRefusal(model, lengths, batch, trainable, engine.memoryLimits());
  if (refusal) {
    engine.disposeLora(lora);
    engine.disposeModel(model);
    throw new Error(`${work.model} on ${backend}: ${refusal}`);
  }
  // max_steps only keeps the schedule's learning rate above 0 for as long as the bench runs.
  const trainer = new engine.Trainer(model, lora, work.examples, { ...work.args, max_steps: 1_000_000 });
  try {
    const warmUpEnd = performance.now() + warmUp.minSeconds * 1000;
    let warmUpSteps = 0;
    while (warmUpSteps < warmUp.minSteps || performance.now() < warmUpEnd) {
      await trainer.step();
      warmUpSteps++;
    }
    await interleave?.warmedUp(warmUpSteps);
    const rounds = interleave?.rounds ?? 1;
    const perRound = Math.ceil(steps / rounds);
    const times: number[] = [];
    const results = [];
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < perRound; i++) {
        const r = await trainer.step();
        times.push(r.msPerStep);
        results.push(r);
      }
      await interleave?.afterRound(perRound);
    }
    // Profiled after the timed steps: profiling takes other branches in tfjs's engine, and the JIT
    // then needs time to optimise the plain ones again.
    const profile = await engine.tf.profile(async () => {
      await trainer.step();
    });
    const ms = median(times);
    return {
      model: work.model,
      backend,
      ms_per_step: Math.round(ms * 100) / 100,
      steps_per_s: Math.round((1000 / ms) * 1000) / 1000,
      tokens_per_step: median(results.map((r) => r.inputTokens)),
      trained_tokens_per_step: median(results.map((r) => r.tokens)),
      kernels_per_step: profile.kernels.length,
      peak_bytes: profile.peakBytes,
      lora: { r: work.lora.r, lora_alpha: work.lora.lora_alpha, target_modules: work.lora.target_modules },
      trainable_parameters: trainable,
      batch,
      steps: times.length,
      // Untimed steps before them (WARM_UP); the PyTorch baseline warms up as many.
      warm_up_steps: warmUpSteps,
      // The synthetic step's shape (see StepShape); absent for the page's own first run.
      ...(work.shape ? { shape: work.shape } : {}),
    };
  } finally {
    trainer.dispose();
    engine.disposeLora(lora);
    engine.disposeModel(model);
  }
}
