// "What would my trainer do with this?": one preset per tool, each reproducing that tool's label
// construction with its own option names and defaults. A registry, so the CLI and the page list and
// dispatch the presets from one table.
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { AXOLOTL_OPTIONS, maskAxolotl } from "./axolotl";
import { LLAMA_FACTORY_OPTIONS, maskLlamaFactory } from "./llamaFactory";
import { parseOptions, type OptionTable } from "./options";
import { maskTrl, TRL_OPTIONS } from "./trl";
import { maskTrlCollator, TRL_COLLATOR_OPTIONS } from "./trlCollator";
import type { TrainerExample, TrainerInput } from "./types";
import { maskUnsloth, UNSLOTH_OPTIONS } from "./unsloth";

/** The presets, in the order the page and the CLI list them. */
export const TRAINER_NAMES = ["trl", "trl-collator", "axolotl", "llamafactory", "unsloth"] as const;
export type TrainerName = (typeof TRAINER_NAMES)[number];

export interface TrainerInfo {
  name: TrainerName;
  /** What the preset reproduces, as the user would name it. */
  label: string;
  /** The source it was read from. */
  source: string;
  options: OptionTable;
}

const INFO: Record<TrainerName, Omit<TrainerInfo, "name">> = {
  trl: { label: "TRL ≥ 0.20 SFTTrainer", source: "huggingface/trl v1.9.0", options: TRL_OPTIONS },
  "trl-collator": { label: "TRL ≤ 0.19 DataCollatorForCompletionOnlyLM", source: "huggingface/trl v0.19.1", options: TRL_COLLATOR_OPTIONS },
  axolotl: { label: "axolotl chat_template", source: "axolotl-ai-cloud/axolotl v0.18.0 (067b021c)", options: AXOLOTL_OPTIONS },
  llamafactory: { label: "LLaMA-Factory supervised", source: "hiyouga/LLaMA-Factory v0.9.5 (ff6d4d12)", options: LLAMA_FACTORY_OPTIONS },
  unsloth: { label: "Unsloth train_on_responses_only", source: "unslothai/unsloth-zoo 2026.8.13 (ce232d6c)", options: UNSLOTH_OPTIONS },
};

export const TRAINERS: readonly TrainerInfo[] = TRAINER_NAMES.map((name) => ({ name, ...INFO[name] }));

export function isTrainerName(name: string): name is TrainerName {
  return (TRAINER_NAMES as readonly string[]).includes(name);
}

/**
 * Labels `input` as `trainer` would, with `pairs` its KEY=VALUE options. Throws TrainerOptionError
 * for an option the tool does not have or rejects; a tool that stops on this data returns
 * outcome "error" with its message.
 */
export function maskWithTrainer(
  trainer: TrainerName,
  tokenizer: PlaygroundTokenizer,
  input: TrainerInput,
  pairs: readonly string[],
): TrainerExample {
  const parse = <T extends OptionTable>(table: T) => parseOptions(trainer, table, pairs);
  const mask: Record<TrainerName, () => TrainerExample> = {
    trl: () => maskTrl(tokenizer, input, parse(TRL_OPTIONS)),
    "trl-collator": () => maskTrlCollator(tokenizer, input, parse(TRL_COLLATOR_OPTIONS)),
    axolotl: () => maskAxolotl(tokenizer, input, parse(AXOLOTL_OPTIONS)),
    llamafactory: () => maskLlamaFactory(tokenizer, input, parse(LLAMA_FACTORY_OPTIONS)),
    unsloth: () => maskUnsloth(tokenizer, input, parse(UNSLOTH_OPTIONS)),
  };
  return mask[trainer]();
}
