// README.md of a merged model folder: the Hugging Face model card (YAML front matter the hub reads:
// base_model, library_name, tags) and what was merged, from what run, and how it was checked.
import { scalar } from "./yamlScalar";

export interface ModelCardInput {
  /** Hub id, folder name or "the playground's bundled model". */
  baseModel: string;
  lora: { r: number; loraAlpha: number; useRslora: boolean; targetModules: readonly string[] | string | null; newTokenRows: boolean };
  /** The storage dtype written, e.g. "bfloat16". */
  dtype: string;
  /** The page's run, when the merge comes from one. */
  run?: {
    label: string;
    /** "markers", "completion-only", … or the trainer preset the labels followed. */
    strategy: string;
    examples: number;
    steps: number;
    finalLoss: number | null;
    settings: Record<string, unknown>;
  };
}

export function modelCard(input: ModelCardInput): string {
  const { lora, run } = input;
  const scaling = lora.useRslora
    ? `lora_alpha / √r = ${(lora.loraAlpha / Math.sqrt(lora.r)).toPrecision(4)} (rsLoRA)`
    : `lora_alpha / r = ${(lora.loraAlpha / lora.r).toPrecision(4)}`;
  const targets = lora.targetModules === null ? "the architecture's default" : [lora.targetModules].flat().join(", ");
  const lines = [
    "---",
    `base_model: ${scalar(input.baseModel)}`,
    "library_name: transformers",
    "tags:",
    "  - lora",
    "  - merged",
    "  - finetuning-playground",
    "---",
    "",
    `# ${run ? `${run.label}, merged` : "Merged LoRA model"}`,
    "",
    `The base model ${input.baseModel} with a LoRA adapter merged into its weights (W + scaling · B · A, scaling = ${scaling}; r = ${lora.r}, lora_alpha = ${lora.loraAlpha}; adapted modules: ${targets})${lora.newTokenRows ? ", the embedding grown for the tokens the run added and their trained rows in place" : ""}. Stored as ${input.dtype}. Load it like any transformers model: \`AutoModelForCausalLM.from_pretrained(folder)\`; no PEFT needed.`,
    "",
  ];
  if (run)
    lines.push(
      "## The run",
      "",
      `- labels: ${run.strategy}`,
      `- data: ${run.examples} example${run.examples === 1 ? "" : "s"}`,
      `- steps: ${run.steps}; final loss: ${run.finalLoss === null ? "n/a" : run.finalLoss.toFixed(4)}`,
      "",
      "Settings:",
      "",
      "```json",
      JSON.stringify(run.settings, null, 2),
      "```",
      "",
    );
  lines.push(
    "## How it was checked",
    "",
    "The playground's tests check its merge this way: the merged weights, loaded by its engine, give the base model's logits with the adapter applied within 1e-5 (float32), and the same greedy answers. This folder itself was not run after writing. Stored in 16 bits, the weights are rounded once, after merging.",
    "",
  );
  return lines.join("\n");
}
