// Qwen2ForCausalLM (transformers modeling_qwen2): the Llama decoder with biases on q/k/v and none
// on the output projection or MLP, whatever config.json says (Qwen2's modeling file hard-codes them).

import type { Architecture } from "../modelTypes";
import { llamaLike } from "./llama";

export const qwen2: Architecture = llamaLike({
  family: "qwen2",
  hfArchitectures: ["Qwen2ForCausalLM"],
  defaultTargetModules: ["q_proj", "v_proj"],
  defaultHeadDim: (hidden, heads) => hidden / heads,
  flags: () => ({ qkvBias: true, oBias: false, mlpBias: false, qkNorm: false }),
});
