// The kinds of setting the training table is made of, and how each kind becomes a zod schema, reads a
// typed value (form text, CLI flag) and describes its bounds. Kept apart from the table itself so that
// the table reads as data (TensorFlow Playground's state.ts, with validation).
import { z } from "zod";

/** What every kind of setting has. */
interface FieldBase {
  /** The form's label. */
  label: string;
  /** The Trainer's, TRL's or PEFT's own argument name, or null for the playground's own settings. */
  name: string | null;
  /** The `train` CLI flag (without "--"), or null when the CLI does not take it. */
  flag: string | null;
  /** One line, in the Trainer's and PEFT's own words where they have them. */
  help: string;
}

export interface NumberField extends FieldBase {
  kind: "number";
  default: number;
  min: number;
  /** min itself is refused (e.g. a learning rate must be > 0). */
  minExclusive?: boolean;
  max: number;
  maxExclusive?: boolean;
  /**
   * The form's step arrows: 1 for a whole number (the schema then refuses fractions, as the form's
   * step does), else "any" or a fraction for real numbers.
   */
  step: number | "any";
  /**
   * Added after runs were saved and links shared, so absent from them: absent reads as the default
   * there (as a choice field does). The table's first fields stay required.
   */
  addedLater?: boolean;
}

export interface BooleanField extends FieldBase {
  kind: "boolean";
  default: boolean;
}

/** A list of module names (PEFT's target_modules); [] means the architecture's default. */
export interface NameListField extends FieldBase {
  kind: "names";
  default: string[];
  /** Each name's pattern and the list's length bound. */
  pattern: RegExp;
  patternHint: string;
  maxItems: number;
}

/** One of a few named values (TRL's packing_strategy); the first is not necessarily the default. */
export interface ChoiceField extends FieldBase {
  kind: "choice";
  default: string;
  /** `as const` in the table, so the setting's type is the union of these. */
  options: readonly string[];
}

export type SettingField = NumberField | BooleanField | NameListField | ChoiceField;

/** A `seed` setting (training's, the sampler's): any 32-bit unsigned integer, as the engine's generators take it. */
export const SEED_FIELD = { kind: "number", label: "seed", name: "seed", flag: "seed", min: 0, max: 2 ** 32 - 1, step: 1 } as const;

/** "a whole number ≥ 1 and ≤ 512", "a number > 0 and ≤ 1": the bounds in words, for every message. */
export function describeBounds(f: NumberField): string {
  const lower = `${f.minExclusive ? ">" : "≥"} ${f.min}`;
  const upper = `${f.maxExclusive ? "<" : "≤"} ${f.max}`;
  return `${f.step === 1 ? "a whole number" : "a number"} ${lower} and ${upper}`;
}

function numberSchema(f: NumberField): z.ZodNumber {
  const base = z.number({ error: `expected ${describeBounds(f)}` });
  let s = f.step === 1 ? base.int({ error: `expected ${describeBounds(f)}, not a fraction` }) : base;
  const bound = { error: `expected ${describeBounds(f)}` };
  s = f.minExclusive ? s.gt(f.min, bound) : s.gte(f.min, bound);
  s = f.maxExclusive ? s.lt(f.max, bound) : s.lte(f.max, bound);
  return s;
}

export type FieldValue<F extends SettingField> = F extends NumberField
  ? number
  : F extends BooleanField
    ? boolean
    : F extends { kind: "choice"; options: readonly (infer O)[] }
      ? O
      : string[];

/** "none, bfd or wrapped" */
export function describeChoices(f: ChoiceField): string {
  return f.options.length > 1 ? `${f.options.slice(0, -1).join(", ")} or ${f.options.at(-1)}` : f.options.join("");
}

/**
 * A setting added after runs were saved and links shared is absent from them: it reads as its
 * default there (an unknown field is still refused: the objects stay strict).
 */
function choiceSchema(f: ChoiceField): z.ZodType<string> {
  const options = f.options as [string, ...string[]];
  return z.enum(options, { error: `expected ${describeChoices(f)}` }).default(f.default);
}

export function fieldSchema(f: NumberField): z.ZodType<number>;
export function fieldSchema(f: BooleanField): z.ZodBoolean;
export function fieldSchema(f: NameListField): z.ZodArray<z.ZodString>;
export function fieldSchema(f: ChoiceField): z.ZodType<string>;
export function fieldSchema(f: SettingField): z.ZodType;
export function fieldSchema(f: SettingField): z.ZodType {
  switch (f.kind) {
    case "number":
      return f.addedLater ? numberSchema(f).default(f.default) : numberSchema(f);
    case "boolean":
      return z.boolean();
    case "names":
      return z.array(z.string().regex(f.pattern, f.patternHint)).max(f.maxItems, `at most ${f.maxItems} names`);
    case "choice":
      return choiceSchema(f);
    default: {
      const never: never = f;
      return never;
    }
  }
}

export type FieldValues<T extends Record<string, SettingField>> = { [K in keyof T]: FieldValue<T[K]> };
type Shape<T extends Record<string, SettingField>> = { [K in keyof T]: z.ZodType<FieldValue<T[K]>> };

/** A table's zod shape: each field's schema under its key. */
export function shapeOf<T extends Record<string, SettingField>>(fields: T): Shape<T> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, fieldSchema(f)])) as Shape<T>;
}

/** A table's defaults, each a copy (a list default is never shared). */
export function defaults<T extends Record<string, SettingField>>(fields: T): FieldValues<T> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, structuredClone(f.default)])) as FieldValues<T>;
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Text typed into the form or given as a CLI flag → the field's value, or why not ("expects …": the
 * caller names the field its own way, as a label or a --flag). Both the form and
 * the CLI read through here, and the result is checked by the same schema as the share link and the
 * worker, so no carrier can produce a value another refuses.
 */
export function readNumber(f: NumberField, text: string): ReadResult<number> {
  const t = text.trim();
  // Number("") is 0 and Number("0x10") is 16: only decimal notation is a setting.
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : Number.NaN;
  const r = numberSchema(f).safeParse(n);
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, message: `expects ${describeBounds(f)}${t ? `, not "${t.slice(0, 40)}"` : ""}` };
}

/** "true" / "false" (a CLI flag's value) → the boolean. */
export function readBoolean(text: string): ReadResult<boolean> {
  const t = text.trim().toLowerCase();
  return t === "true" || t === "false"
    ? { ok: true, value: t === "true" }
    : { ok: false, message: `expects true or false, not "${text.slice(0, 40)}"` };
}

/** "bfd" (a CLI flag's value) → the option, or which ones there are. */
export function readChoice(f: ChoiceField, text: string): ReadResult<string> {
  const t = text.trim();
  return f.options.includes(t) ? { ok: true, value: t } : { ok: false, message: `expects ${describeChoices(f)}, not "${t.slice(0, 40)}"` };
}

/** "q_proj,v_proj" → ["q_proj", "v_proj"]; "" → [] (the architecture's default). */
export function readNames(f: NameListField, text: string): ReadResult<string[]> {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const r = fieldSchema(f).safeParse(names);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: r.error.issues[0].message };
}
