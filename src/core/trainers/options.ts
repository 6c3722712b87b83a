// Trainer options as each tool names them. One table per tool (option → default, help, parser) is
// the single definition: the option type, the defaults, the CLI's KEY=VALUE parsing and its help
// text are all derived from it. Values are written as the tool's config would hold them: booleans
// true/false, strings verbatim (newlines included), lists comma-separated, None as `none`.
import { TrainerOptionError } from "./types";

export interface OptionSpec<T> {
  readonly default: T;
  readonly help: string;
  /** How a value is written after KEY= (for help text). */
  readonly syntax: string;
  /** The values to pick from, as written after KEY= (booleans, choices); absent for free text, lists, numbers. */
  readonly choices?: readonly string[];
  /** Throws a one-line reason when `raw` is not a value of this option. */
  parse(raw: string): T;
}

export type OptionTable = Record<string, OptionSpec<unknown>>;
export type OptionValues<T extends OptionTable> = { [K in keyof T]: T[K] extends OptionSpec<infer V> ? V : never };

const NONE = new Set(["none", "None", "null"]);

function parseBool(raw: string): boolean {
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new Error(`expected true or false, got ${JSON.stringify(raw)}`);
}

export function bool(value: boolean, help: string): OptionSpec<boolean> {
  return { default: value, help, syntax: "true|false", choices: ["true", "false"], parse: parseBool };
}

/** A boolean that may be None, which the tool reads as "decide from the data" (TRL's completion_only_loss). */
export function optionalBool(value: boolean | null, help: string): OptionSpec<boolean | null> {
  return {
    default: value,
    help,
    syntax: "true|false|none",
    choices: ["true", "false", "none"],
    parse: (raw) => (NONE.has(raw) ? null : parseBool(raw)),
  };
}

/** A string taken verbatim: `KEY=` is the empty string, not None. */
export function str(value: string | null, help: string): OptionSpec<string | null> {
  return { default: value, help, syntax: "TEXT", parse: (raw) => raw };
}

export function choice<V extends string>(values: readonly V[], value: V | null, help: string): OptionSpec<V | null> {
  return {
    default: value,
    help,
    syntax: values.join("|") + (value === null ? "|none" : ""),
    choices: value === null ? [...values, "none"] : values,
    parse(raw) {
      if (value === null && NONE.has(raw)) return null;
      const hit = values.find((v) => v === raw);
      if (hit === undefined) throw new Error(`expected one of ${values.join(", ")}, got ${JSON.stringify(raw)}`);
      return hit;
    },
  };
}

export function list(value: string[] | null, help: string): OptionSpec<string[] | null> {
  return { default: value, help, syntax: "A,B,...", parse: (raw) => (raw === "" ? [] : raw.split(",")) };
}

export function int(value: number | null, help: string): OptionSpec<number | null> {
  return {
    default: value,
    help,
    syntax: "N|none",
    parse(raw) {
      if (NONE.has(raw)) return null;
      if (!/^\d+$/.test(raw)) throw new Error(`expected a whole number or none, got ${JSON.stringify(raw)}`);
      return Number(raw);
    },
  };
}

/** `pairs` are KEY=VALUE strings; the value is everything after the first `=`. */
export function parseOptions<T extends OptionTable>(tool: string, table: T, pairs: readonly string[]): OptionValues<T> {
  const values: Record<string, unknown> = Object.fromEntries(Object.entries(table).map(([k, spec]) => [k, spec.default]));
  const seen = new Set<string>();
  const known = Object.keys(table);
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new TrainerOptionError(`${tool}: --trainer-option takes KEY=VALUE, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const spec = Object.hasOwn(table, key) ? table[key] : undefined;
    if (spec === undefined) {
      throw new TrainerOptionError(`${tool} has no option ${JSON.stringify(key)}; its options are: ${known.join(", ")}`);
    }
    if (seen.has(key)) throw new TrainerOptionError(`${tool}: option ${key} is given twice`);
    seen.add(key);
    try {
      values[key] = spec.parse(raw);
    } catch (err) {
      throw new TrainerOptionError(`${tool}: ${key}: ${(err as Error).message}`);
    }
  }
  return values as OptionValues<T>;
}

/** The default as it is written after KEY=, or null for a text option whose default is None (no way to write it). */
export function writtenDefault(spec: OptionSpec<unknown>): string | null {
  const v = spec.default;
  if (v === null) return spec.syntax === "TEXT" ? null : "none";
  return Array.isArray(v) ? v.join(",") : String(v);
}

/** Help lines: `  key=SYNTAX  (default: ...) help`. */
export function describeOptions(table: OptionTable): string[] {
  const shown = (v: unknown) =>
    v === null ? "none" : Array.isArray(v) ? v.join(",") : typeof v === "string" ? JSON.stringify(v) : String(v);
  return Object.entries(table).map(([k, s]) => `  ${k}=${s.syntax}  (default ${shown(s.default)}) ${s.help}`);
}
