// LoRA with PEFT's semantics (peft/tuners/lora/config.py, layer.py): for every targeted nn.Linear,
// y = base(x) + lora_B(lora_A(dropout(x))) · scaling with scaling = lora_alpha / r (or
// lora_alpha / √r with rsLoRA). lora_A starts Kaiming-uniform(a=√5), lora_B at zero, so a fresh
// adapter leaves the model unchanged. Only adapter tensors are tf.Variables, so only they train.

import * as tf from "@tensorflow/tfjs-core";
import { architectureFor } from "./architectures";
import { AdapterError } from "./errors";
import { PEFT_LORA_DEFAULTS } from "../core/settings/trainerDefaults";
import { loraScaling, type LoraAdapter, type LoraConfig, type LoraModule } from "./loraConfig";
import type { CausalLM, LinearModule, ModelConfig } from "./modelTypes";
import { Rng } from "./rng";
import { embeddingName, linearModules, wholeVocabMatrix } from "./weights";

export { loraScaling, type LoraAdapter, type LoraConfig, type LoraModule } from "./loraConfig";
export { DEFAULT_TARGET_MODULES } from "./architectures";

/** Which linear modules `target_modules` selects, in model order. */
export function resolveTargets(model: ModelConfig, target: LoraConfig["target_modules"]): LinearModule[] {
  const linears = linearModules(model);
  const t = target ?? architectureFor(model).defaultTargetModules;
  let chosen: LinearModule[];
  if (t === "all-linear") chosen = linears;
  else if (typeof t === "string") {
    const re = new RegExp(`^(?:${t})$`);
    chosen = linears.filter((l) => re.test(l.path));
  } else {
    chosen = linears.filter((l) => t.some((name) => l.path === name || l.path.endsWith(`.${name}`)));
  }
  if (!chosen.length) {
    const names = [...new Set(linears.map((l) => l.path.split(".").pop()))].join(", ");
    throw new AdapterError(
      `target_modules ${JSON.stringify(t)} matches no linear layer of ${model.architecture}; available: ${names}, or "all-linear".`,
    );
  }
  return chosen;
}

/**
 * A fresh adapter: A ~ U(-1/√in, 1/√in) (torch's kaiming_uniform_ with a=√5 gives bound
 * √(6/((1+5)·in)) = 1/√in), B = 0. New-token rows start from the current embedding rows.
 */
export function createLora(model: CausalLM, config: Partial<LoraConfig> = {}, seed = 42): LoraAdapter {
  const c: LoraConfig = { ...PEFT_LORA_DEFAULTS, trainNewTokenRows: null, ...config };
  const rng = new Rng(seed);
  const modules = new Map<string, LoraModule>();
  resolveTargets(model.config, c.target_modules).forEach((l, index) => {
    const bound = 1 / Math.sqrt(l.inFeatures);
    const a = new Float32Array(c.r * l.inFeatures).map(() => rng.uniform(-bound, bound));
    modules.set(l.path, {
      A: tf.tidy(() => tf.variable(tf.tensor2d(a, [c.r, l.inFeatures]), true)),
      B: tf.tidy(() => tf.variable(tf.zeros([l.outFeatures, c.r]), true)),
      index,
    });
  });
  return { config: c, scaling: loraScaling(c), modules, newTokenRows: newTokenRows(model, c) };
}

export function newTokenRows(model: CausalLM, c: LoraConfig): LoraAdapter["newTokenRows"] {
  const start = c.trainNewTokenRows;
  if (start === null || start >= model.config.vocabSize) return null;
  const emb = wholeVocabMatrix(model, embeddingName(model.config), "Training new token rows");
  const rows = tf.tidy(() => tf.variable(tf.slice(emb, [start, 0], [model.config.vocabSize - start, model.config.hiddenSize]), true));
  return { start, rows };
}

/** Every trainable variable of the adapter, in a stable order. */
export function trainableVariables(lora: LoraAdapter): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const m of lora.modules.values()) vars.push(m.A, m.B);
  if (lora.newTokenRows) vars.push(lora.newTokenRows.rows);
  return vars;
}

/** The adapter's trainable parameters (PEFT's print_trainable_parameters). */
export const trainableParameterCount = (lora: LoraAdapter): number => trainableVariables(lora).reduce((n, v) => n + v.size, 0);

export function disposeLora(lora: LoraAdapter): void {
  for (const v of trainableVariables(lora)) v.dispose();
}

/**
 * The adapter as it is now, for reading while it trains on: each variable's current value, shared
 * rather than copied (a tfjs variable's assign moves it to new data, so the snapshot keeps the old).
 * Dispose it with disposeLora.
 */
export function snapshotLora(lora: LoraAdapter): LoraAdapter {
  const freeze = (v: tf.Variable) => tf.variable(v, false);
  const modules = new Map([...lora.modules].map(([path, m]) => [path, { ...m, A: freeze(m.A), B: freeze(m.B) }]));
  const rows = lora.newTokenRows;
  return { ...lora, modules, newTokenRows: rows ? { start: rows.start, rows: freeze(rows.rows) } : null };
}
