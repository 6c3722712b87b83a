import { describe, expect, it } from "vitest";
import { NOTEBOOK_TRAINING, TRAINING_FIELDS, TrainingSettingsSchema } from "./trainingSettings";

describe("settings added after runs were saved and links shared", () => {
  it("read as their default where a saved run or link lacks them (checkpointing: HF's save_steps 500, the issue's limit of 2)", () => {
    const { saveSteps: _s, saveTotalLimit: _l, ...older } = NOTEBOOK_TRAINING;
    const read = TrainingSettingsSchema.parse(older);
    expect(read.saveSteps).toBe(500);
    expect(read.saveTotalLimit).toBe(2);
  });

  it("are still checked when present, and the objects stay strict", () => {
    expect(TrainingSettingsSchema.safeParse({ ...NOTEBOOK_TRAINING, saveSteps: -1 }).success).toBe(false);
    expect(TrainingSettingsSchema.safeParse({ ...NOTEBOOK_TRAINING, saveTotalLimit: 0 }).success).toBe(false);
    expect(TrainingSettingsSchema.safeParse({ ...NOTEBOOK_TRAINING, saveEvery: 3 }).success).toBe(false);
  });

  it("a field of the first table stays required", () => {
    const { learningRate: _lr, ...missing } = NOTEBOOK_TRAINING;
    expect(TRAINING_FIELDS.learningRate).not.toHaveProperty("addedLater");
    expect(TrainingSettingsSchema.safeParse(missing).success).toBe(false);
  });
});
