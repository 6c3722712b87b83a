// Shapes the bundled model's adapters have, read from its config.json and the page's LoRA defaults,
// for the specs that open a downloaded adapter_model.safetensors.
import { readFileSync } from "node:fs";
import { bundledFile } from "../src/core/bundledModel";
import { DEFAULT_STATE } from "../src/core/playgroundState";

const config = JSON.parse(readFileSync(`public/${bundledFile("config.json")}`, "utf8")) as {
  num_attention_heads: number;
  head_dim: number;
  vocab_size: number;
};

/** The adapter_config.json fields the page's defaults give. */
export const DEFAULT_LORA_CONFIG = {
  peft_type: "LORA",
  r: DEFAULT_STATE.training.lora.r,
  lora_alpha: DEFAULT_STATE.training.lora.loraAlpha,
};

/** lora_B of q_proj: [num_heads × head_dim, r]. */
export const Q_PROJ_LORA_B_SHAPE = [config.num_attention_heads * config.head_dim, DEFAULT_STATE.training.lora.r];
export const BUNDLED_VOCAB_SIZE = config.vocab_size;
