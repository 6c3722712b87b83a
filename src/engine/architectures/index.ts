// The registry of model families: the one place that knows which families exist. A new family is
// a new file next to this one, exporting an Architecture, plus its entry in ARCHITECTURES.

import { ConfigError } from "../errors";
import type { Architecture, Family, ModelConfig } from "../modelTypes";
import { bloom } from "./bloom";
import { llama } from "./llama";
import { qwen2 } from "./qwen2";
import { qwen3 } from "./qwen3";

// Order is the order of SUPPORTED_ARCHITECTURES in messages.
export const ARCHITECTURES: readonly Architecture[] = [bloom, llama, qwen2, qwen3];

/** config.json architectures[0] names the engine can load. */
export const SUPPORTED_ARCHITECTURES: readonly string[] = ARCHITECTURES.flatMap((a) => a.hfArchitectures);

const byHfName = new Map(ARCHITECTURES.flatMap((a) => a.hfArchitectures.map((n) => [n, a] as const)));
const byFamily = new Map(ARCHITECTURES.map((a) => [a.family, a] as const));

/** PEFT's default LoRA targets per family (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING). */
export const DEFAULT_TARGET_MODULES: Readonly<Record<Family, readonly string[]>> = Object.fromEntries(
  ARCHITECTURES.map((a) => [a.family, a.defaultTargetModules]),
);

function unsupported(name: string | undefined, where: string): never {
  throw new ConfigError(
    `${where}: architecture ${name === undefined ? '(missing "architectures")' : `"${name}"`} is not supported; supported: ${SUPPORTED_ARCHITECTURES.join(", ")}.`,
  );
}

/**
 * The family that reads config.json's architectures[0] `name` (undefined when the file has no
 * "architectures"); `where` names the file in the error.
 */
export function architectureByName(name: string | undefined, where = "config.json"): Architecture {
  return (name === undefined ? undefined : byHfName.get(name)) ?? unsupported(name, where);
}

/** The family module of a parsed config (keyed by ModelConfig.family). */
export function architectureFor(config: Pick<ModelConfig, "family" | "architecture">, where = "config.json"): Architecture {
  return byFamily.get(config.family) ?? unsupported(config.architecture, where);
}
