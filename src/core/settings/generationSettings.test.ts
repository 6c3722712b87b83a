// The generation table's one reader (the chat form's and generate's flags: readNumber) and its one
// schema (the worker's request) accept exactly the same values at every bound.
import { describe, expect, it } from "vitest";
import { readNumber } from "./fields";
import { DEFAULT_GENERATION, GENERATION_ENTRIES, GenerationSettingsSchema } from "./generationSettings";

describe("generation settings", () => {
  it("defaults are transformers' GenerationConfig defaults (greedy, temperature 1, top_k 50, top_p 1, no penalty)", () => {
    expect(DEFAULT_GENERATION).toMatchObject({ doSample: false, temperature: 1, topK: 50, topP: 1, repetitionPenalty: 1 });
    expect(GenerationSettingsSchema.safeParse(DEFAULT_GENERATION).success).toBe(true);
  });

  for (const { key, field } of GENERATION_ENTRIES) {
    if (field.kind !== "number") continue;
    it(`${key}: the reader and the schema agree at its bounds`, () => {
      const candidates = [field.min, field.max, field.min - 1, field.max + 1, field.min + 0.5, field.default];
      for (const v of candidates) {
        const read = readNumber(field, String(v)).ok;
        const schema = GenerationSettingsSchema.safeParse({ ...DEFAULT_GENERATION, [key]: v }).success;
        expect(schema, `${key} = ${v}`).toBe(read);
      }
      expect(readNumber(field, String(field.default)).ok).toBe(true);
    });
  }
});
