// Models the playground offers by name. Sizes are approximate (weights + tokenizer, as the hub's
// file list shows them) so the UI can warn before a download; the real check uses HEAD sizes.

export interface HubModelPreset {
  modelId: string;
  description: string;
  /** Approximate download in bytes (decimal units, like the hub's file list). */
  approxDownloadBytes: number;
}

export const HUB_MODEL_PRESETS: readonly HubModelPreset[] = [
  {
    modelId: "bigscience/bloom-560m",
    description: "The notebook's model: BLOOM 560M, a multilingual base model (not chat-tuned), fp16.",
    approxDownloadBytes: 1_140_000_000,
  },
  {
    modelId: "HuggingFaceTB/SmolLM2-135M-Instruct",
    description: "The smallest chat model here: SmolLM2 135M Instruct (Llama architecture), quick to fine-tune.",
    approxDownloadBytes: 272_000_000,
  },
  {
    modelId: "Qwen/Qwen2.5-0.5B-Instruct",
    description: "Qwen2.5 0.5B Instruct: a capable small chat model with a ChatML template.",
    approxDownloadBytes: 1_000_000_000,
  },
  {
    modelId: "Qwen/Qwen3-0.6B",
    description: "Qwen3 0.6B: the bundled tokenizer's model, with a thinking-mode chat template.",
    approxDownloadBytes: 1_520_000_000,
  },
];
