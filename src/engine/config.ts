// config.json (as written by transformers) → one normalised ModelConfig for the engine. The
// family named by architectures[0] reads its own fields (architectures/<family>.ts); this file
// only decodes the JSON and asks the registry which family that is.

import { architectureByName } from "./architectures";
import { ConfigError } from "./errors";
import type { ModelConfig } from "./modelTypes";

export type { Family, ModelConfig, RopeScaling } from "./modelTypes";
export { SUPPORTED_ARCHITECTURES } from "./architectures";

/** Parses config.json text or object; `where` names the file in error messages. */
export function parseModelConfig(input: string | object, where = "config.json"): ModelConfig {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new ConfigError(`${where}: not valid JSON (${(e as Error).message}).`);
    }
  }
  const archs = (json as { architectures?: unknown }).architectures;
  const arch = Array.isArray(archs) && typeof archs[0] === "string" ? archs[0] : undefined;
  const family = architectureByName(arch, where); // throws unless arch names a registered family
  return family.parseConfig(json, arch!, where);
}
