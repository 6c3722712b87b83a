// The `train` command's setting flags, derived from the settings table (core/settings): each field
// with a `flag` becomes `--flag VALUE`, read by the same reader as the form and checked by the same
// schema as the share link and the worker, so the CLI cannot run settings the page would refuse.
import { firstIssue } from "../core/firstIssue";
import { readBoolean, readChoice, readNames, readNumber, type ReadResult, type SettingField } from "../core/settings/fields";
import {
  SETTING_ENTRIES,
  settingValue,
  TrainingSettingsSchema,
  withSetting,
  type SettingEntry,
  type TrainingSettings,
} from "../core/settings/trainingSettings";
import { CliError } from "./cliError";

type Flagged = SettingEntry & { field: { flag: string } };
const FLAGGED = SETTING_ENTRIES.filter((e): e is Flagged => e.field.flag !== null);

/** parseArgs option specs: every flagged setting takes a string, read below. */
export const SETTINGS_OPTIONS: Record<string, { type: "string" }> = Object.fromEntries(
  FLAGGED.map((f) => [f.field.flag, { type: "string" as const }]),
);

/** "  --lr N  learning_rate: The initial learning rate … (a number > 0 and ≤ 1)" for --help. */
export function settingsHelp(base: TrainingSettings): string {
  return FLAGGED.map((e) => {
    const { field } = e;
    const value = settingValue(base, e);
    const shown = Array.isArray(value) ? value.join(",") || "(PEFT's default)" : String(value);
    return `  --${field.flag} (default ${shown})  ${field.name ?? field.label}: ${field.help}`;
  }).join("\n");
}

function readFlag(field: SettingField, text: string): ReadResult<unknown> {
  switch (field.kind) {
    case "number":
      return readNumber(field, text);
    case "names":
      return readNames(field, text);
    case "boolean":
      return readBoolean(text);
    case "choice":
      return readChoice(field, text);
    default: {
      const never: never = field;
      return never;
    }
  }
}

/** `base` with the given flags applied; a bad value throws a CliError naming the flag and its bounds. */
export function settingsFromFlags(values: Record<string, unknown>, base: TrainingSettings): TrainingSettings {
  let settings = base;
  for (const e of FLAGGED) {
    const { field } = e;
    const text = values[field.flag];
    if (typeof text !== "string") continue;
    const read = readFlag(field, text);
    if (!read.ok) throw new CliError(`--${field.flag} ${read.message}`);
    settings = withSetting(settings, e, read.value);
  }
  const checked = TrainingSettingsSchema.safeParse(settings);
  if (!checked.success) throw new CliError(`settings: ${firstIssue(checked.error)}`);
  return checked.data;
}
