// One table, every boundary: for each setting and a spread of values around its bounds, the form's
// reader, the share link, the autosave, the worker's start message and the CLI flags all accept or all
// refuse — and old links and autosaves written before the table still open. It lives beside the CLI
// because the CLI is the one layer allowed to import both core and its own flag reader.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, type PlaygroundSnapshot } from "../core/playgroundState";
import { toWorkerSchema } from "../core/protocol";
import { decodeShareHash, encodeShareHash, parseAutosave, serializeAutosave } from "../core/share/codec";
import { readNumber, type NumberField } from "../core/settings/fields";
import { settingsFromFlags } from "./settingsFlags";
import {
  NOTEBOOK_TRAINING,
  LORA_FIELDS,
  SETTING_ENTRIES,
  TRAINING_FIELDS,
  TrainingSettingsSchema,
  withSetting,
  type SettingEntry,
} from "../core/settings/trainingSettings";

type Where = SettingEntry & { field: NumberField };
const numberFields = SETTING_ENTRIES.filter((e): e is Where => e.field.kind === "number");
const withValue = (w: Where, value: number) => withSetting(NOTEBOOK_TRAINING, w, value);

function probes(f: NumberField): number[] {
  const span = f.max - f.min;
  return [
    f.min - 1,
    f.min,
    f.min + 1e-9,
    f.min + 0.5,
    f.min + 1,
    f.min + span / 3,
    2.5,
    0,
    -1,
    f.max - 0.5,
    f.max,
    f.max + 1e-6,
    f.max + 1,
    1e300,
  ];
}

const accepts = {
  form: (w: Where, v: number) => readNumber(w.field, String(v)).ok,
  link: (w: Where, v: number) => decodeShareHash(encodeShareHash({ ...DEFAULT_STATE, training: withValue(w, v) })).ok,
  autosave: (w: Where, v: number) => parseAutosave(serializeAutosave({ ...DEFAULT_STATE, training: withValue(w, v) })).ok,
  worker: (w: Where, v: number) =>
    toWorkerSchema.safeParse({
      type: "start",
      runId: "r",
      examples: [{ inputIds: [1, 2], labels: [-100, 2] }],
      prompts: [],
      settings: withValue(w, v),
      stopIds: [],
      newTokenIds: [],
    }).success,
  cli: (w: Where, v: number) => {
    if (!w.field.flag) return accepts.form(w, v); // not a flag: nothing for the CLI to refuse
    try {
      settingsFromFlags({ [w.field.flag]: String(v) }, NOTEBOOK_TRAINING);
      return true;
    } catch {
      return false;
    }
  },
};

describe("the settings table is the one definition", () => {
  it.each(numberFields.map((w) => [w.key, w] as const))("%s: form, link, autosave, worker and CLI accept the same values", (_, w) => {
    const seen = new Set<boolean>();
    for (const v of probes(w.field)) {
      const verdicts = Object.fromEntries(Object.entries(accepts).map(([name, f]) => [name, f(w, v)]));
      expect(new Set(Object.values(verdicts)).size, `${w.key} = ${v}: ${JSON.stringify(verdicts)}`).toBe(1);
      seen.add(verdicts.form);
    }
    // The probes straddle the bounds: each field both accepts and refuses some of them.
    expect([...seen].sort()).toEqual([false, true]);
  });

  it("the defaults are valid and every default lies within its own bounds", () => {
    expect(TrainingSettingsSchema.safeParse(NOTEBOOK_TRAINING).success).toBe(true);
    expect(TrainingSettingsSchema.safeParse(DEFAULT_STATE.training).success).toBe(true);
    for (const w of numberFields) expect(readNumber(w.field, String(w.field.default)).ok, w.key).toBe(true);
  });

  it("a playground with epochs 2.5 survives the autosave and a share link", () => {
    const state: PlaygroundSnapshot = { ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, epochs: 2.5 } };
    const link = decodeShareHash(encodeShareHash(state));
    const saved = parseAutosave(serializeAutosave(state));
    expect(link.ok && link.state.training.epochs).toBe(2.5);
    expect(saved.ok && saved.state.training.epochs).toBe(2.5);
  });

  it.each([
    ["maxNewTokens", 0, "$.training.maxNewTokens"],
    ["maxNewTokens", 513, "$.training.maxNewTokens"],
    ["epochs", 0, "$.training.epochs"],
  ] as const)("a share link with %s %d is refused at decode, naming the field", (key, value, path) => {
    const decoded = decodeShareHash(encodeShareHash({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, [key]: value } }));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toContain(`${path}: expected`);
  });

  it("the form says why a value is refused, with the field's bounds", () => {
    expect(readNumber(TRAINING_FIELDS.learningRate, "5")).toEqual({ ok: false, message: 'expects a number > 0 and ≤ 1, not "5"' });
    expect(readNumber(TRAINING_FIELDS.epochs, "")).toEqual({ ok: false, message: "expects a number > 0 and ≤ 100000" });
    // Number("0x10") is 16 and Number(" ") is 0: neither is a setting.
    expect(readNumber(LORA_FIELDS.r, "0x10").ok).toBe(false);
    expect(readNumber(LORA_FIELDS.r, "1e1")).toEqual({ ok: true, value: 10 });
  });

  it("links and autosaves written before the settings table still open with their settings", () => {
    const old = JSON.parse(readFileSync(new URL("../core/share/testdata/v1-before-settings-table.json", import.meta.url), "utf8")) as {
      hash: string;
      autosave: string;
    };
    for (const decoded of [decodeShareHash(old.hash), parseAutosave(old.autosave)]) {
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      expect(decoded.state.training.epochs).toBe(3);
      expect(decoded.state.training.maxNewTokens).toBe(8);
      expect(decoded.state.training.lora.targetModules).toEqual(["q_proj", "v_proj"]);
    }
  });
});
