// The registry's invariants: names are unique, unknown architectures fail with the supported list,
// and each family's PEFT default targets exist in that family's model.

import { describe, expect, it } from "vitest";
import { parseModelConfig } from "../config";
import { ConfigError } from "../errors";
import { randomConfigJson, type RandomModelSpec } from "../randomModel.testutil";
import { ARCHITECTURES, architectureByName, architectureFor, DEFAULT_TARGET_MODULES, SUPPORTED_ARCHITECTURES } from "./index";

describe("architecture registry", () => {
  it("has unique family names and unique HF architecture names", () => {
    const families = ARCHITECTURES.map((a) => a.family);
    expect(new Set(families).size).toBe(families.length);
    expect(new Set(SUPPORTED_ARCHITECTURES).size).toBe(SUPPORTED_ARCHITECTURES.length);
    expect(SUPPORTED_ARCHITECTURES).toEqual(["BloomForCausalLM", "LlamaForCausalLM", "Qwen2ForCausalLM", "Qwen3ForCausalLM"]);
    // PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING for these model types.
    expect(DEFAULT_TARGET_MODULES).toEqual({
      bloom: ["query_key_value"],
      llama: ["q_proj", "v_proj"],
      qwen2: ["q_proj", "v_proj"],
      qwen3: ["q_proj", "v_proj"],
    });
  });

  it("rejects an unknown architecture with a ConfigError naming the supported list", () => {
    const supported = `supported: ${SUPPORTED_ARCHITECTURES.join(", ")}.`;
    expect(() => architectureFor({ family: "gpt2", architecture: "GPT2LMHeadModel" })).toThrow(ConfigError);
    expect(() => architectureFor({ family: "gpt2", architecture: "GPT2LMHeadModel" })).toThrow(
      `architecture "GPT2LMHeadModel" is not supported; ${supported}`,
    );
    expect(() => architectureByName(undefined)).toThrow(
      `config.json: architecture (missing "architectures") is not supported; ${supported}`,
    );
  });

  for (const arch of ARCHITECTURES) {
    for (const name of arch.hfArchitectures) {
      it(`${name}: parses to its own family, whose default LoRA targets are among its linear modules`, () => {
        const config = parseModelConfig(randomConfigJson({ arch: name as RandomModelSpec["arch"], layers: 1 }));
        expect(config.family).toBe(arch.family);
        expect(architectureFor(config)).toBe(arch);
        const linearNames = new Set(arch.linearModules(config).map((l) => l.path.split(".").pop()));
        expect(arch.defaultTargetModules.length).toBeGreaterThan(0);
        for (const t of arch.defaultTargetModules) expect(linearNames).toContain(t);
        expect(arch.tensorShapes(config).has(arch.embeddingName)).toBe(true);
      });
    }
  }
});
