// Qwen3ForCausalLM (transformers modeling_qwen3): the Llama decoder plus a per-head RMSNorm on
// queries and keys before RoPE; attention_bias covers q/k/v and o alike, the MLP has no bias.

import type { Architecture } from "../modelTypes";
import { llamaLike } from "./llama";

export const qwen3: Architecture = llamaLike({
  family: "qwen3",
  hfArchitectures: ["Qwen3ForCausalLM"],
  defaultTargetModules: ["q_proj", "v_proj"],
  // Qwen3Config defaults head_dim to 128, not hidden_size / num_attention_heads as the others.
  defaultHeadDim: () => 128,
  flags: (c) => ({ qkvBias: c.attention_bias, oBias: c.attention_bias, mlpBias: false, qkNorm: true }),
});
