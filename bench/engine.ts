// The training-step measurement behind `npm run bench`: one workload (a model, its examples, its
// LoRA and training arguments) on one backend, reported as one JSON object with the work itself, so
// that rows from different machines compare. kernels_per_step is tf.profile's count of kernels run
// by one step (forward, backward, optimizer): it does not depend on the machine, and a unit test pins it.
import type { Engine } from "../src/cli/engineArgs";
import type { Example, LoraConfig, TrainingArgs } from "../src/engine/index";
import type { CausalLM } from "../src/engine/weights";

export interface Workload {
  model: string;
  build(): Promise<CausalLM>;
  examples: Example[];
  lora: LoraConfig;
  args: Partial<TrainingArgs>;
}

export interface StepRow {
  model: string;
  backend: string;
  ms_per_step: number;
  steps_per_s: number;
  tokens_per_step: number;
  trained_tokens_per_step: number;
  kernels_per_step: number;
  peak_bytes: number;
  lora: { r: number; lora_alpha: number; target_modules: string[] | string | null };
  batch: number;
  steps: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Shapes as in ../shared/gpu/torch_baseline.py (transformers' configs), for random weights at the real size. */
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
};

/** torch_baseline.py's work: five random sequences of `tokens` ids, the last 3 trained; PEFT's LoraConfig defaults. */
export function syntheticWorkload(engine: Engine, model: string, build: () => Promise<CausalLM>, vocabSize: number, tokens = 20): Workload {
  const rng = new engine.Rng(1);
  const examples = Array.from({ length: 5 }, () => {
    const ids = Array.from({ length: tokens }, () => Math.floor(rng.next() * vocabSize));
    return { input_ids: ids, labels: ids.map((id, i) => (i < tokens - 3 ? -100 : id)) };
  });
  return {
    model,
    build,
    examples,
    lora: { r: 8, lora_alpha: 8, lora_dropout: 0, target_modules: null, use_rslora: false, trainNewTokenRows: null },
    args: { learning_rate: 5e-5, per_device_train_batch_size: 1 },
  };
}

export async function measureSteps(engine: Engine, work: Workload, backend: string, steps: number): Promise<StepRow> {
  await engine.setBackend(backend as "cpu" | "wasm" | "webgpu");
  const model = await work.build();
  const lora = engine.createLora(model, work.lora, 1);
  // What the page's worker would refuse, the bench refuses too, instead of aborting mid-step.
  const tokens = Math.max(...work.examples.map((e) => e.input_ids.length));
  const parameters = [...model.weights.values()].reduce((n, t) => n + t.size, 0);
  const trainable = engine.trainableVariables(lora).reduce((n, v) => n + v.size, 0);
  const batch = Math.min(work.args.per_device_train_batch_size ?? 1, work.examples.length);
  const step = engine.estimateStep(model.config, batch, tokens, parameters, trainable, model.headT ? 0 : 2);
  const refusal = engine.memoryRefusal(step, engine.memoryLimits(), model.config.vocabSize);
  if (refusal) {
    engine.disposeLora(lora);
    engine.disposeModel(model);
    throw new Error(`${work.model} on ${backend}: ${refusal}`);
  }
  const trainer = new engine.Trainer(model, lora, work.examples, { ...work.args, max_steps: steps + 2 });
  try {
    await trainer.step(); // warm-up: kernels compiled, first allocations
    const profile = await engine.tf.profile(async () => {
      await trainer.step();
    });
    const times: number[] = [];
    const results = [];
    for (let i = 0; i < steps; i++) {
      const r = await trainer.step();
      times.push(r.ms);
      results.push(r);
    }
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
      batch,
      steps,
    };
  } finally {
    trainer.dispose();
    engine.disposeLora(lora);
    engine.disposeModel(model);
  }
}
