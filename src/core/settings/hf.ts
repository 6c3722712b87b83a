// The one place that speaks Hugging Face's names. Settings keep the table's names (trainingSettings.ts)
// from the form to the engine's door; each field's `name` is its TrainingArguments or LoraConfig
// argument, so this turns settings into those arguments (for the engine's Trainer and LoRA, the
// export's playground_config.json and the CLI) and HF's defaults back into settings, by the table.
import { HF_TRAINING_DEFAULTS, PEFT_LORA_DEFAULTS, type SftPackingArguments } from "./trainerDefaults";
import { SETTING_ENTRIES, settingValue, withSetting, type SettingEntry, type TrainingSettings } from "./trainingSettings";

/** Values spelled differently, not meaning something else: the table's 0 steps is TrainingArguments' -1 ("not set"). */
const TO_HF: Record<string, (value: unknown) => unknown> = {
  max_steps: (v) => ((v as number) > 0 ? v : -1),
  // PEFT's None is the architecture's default targets, and its single string "all-linear" every linear layer.
  target_modules: (v) => {
    const names = v as string[];
    return names.length === 0 ? null : names.join() === "all-linear" ? "all-linear" : names;
  },
};
const FROM_HF: Record<string, (value: unknown) => unknown> = {
  max_steps: (v) => Math.max(0, v as number),
  target_modules: (v) => (v === null ? [] : typeof v === "string" ? [v] : v),
};

/** The table's settings that `defaults` (TrainingArguments' or LoraConfig's) has an argument for. */
function entriesOf(defaults: object): Array<SettingEntry & { name: string }> {
  return SETTING_ENTRIES.flatMap((e) => (e.field.name !== null && e.field.name in defaults ? [{ ...e, name: e.field.name }] : []));
}

function argumentsOf<T extends object>(defaults: T, settings: TrainingSettings): T {
  const given = entriesOf(defaults).map(({ name, ...e }) => {
    const value = settingValue(settings, e);
    return [name, name in TO_HF ? TO_HF[name](value) : value];
  });
  return { ...defaults, ...Object.fromEntries(given) };
}

/** The settings as TrainingArguments, LoraConfig and TRL's packing arguments, HF's defaults where the table has no field. */
export function toHf(settings: TrainingSettings) {
  const trainingArguments = argumentsOf(HF_TRAINING_DEFAULTS, settings);
  // transformers' get_scheduler takes cosine_with_min_lr's floor from lr_scheduler_kwargs (optimization.py).
  if (settings.lrSchedulerType === "cosine_with_min_lr") trainingArguments.lr_scheduler_kwargs = { min_lr_rate: settings.minLrRate };
  return {
    trainingArguments,
    loraConfig: argumentsOf(PEFT_LORA_DEFAULTS, settings),
    // The table's one packing setting as TRL's packing and packing_strategy (none = packing=False).
    sftArguments: {
      max_length: settings.maxSeqLength,
      packing: settings.packing !== "none",
      packing_strategy: settings.packing === "none" ? "bfd" : settings.packing,
      padding_free: settings.packing === "bfd",
    } satisfies SftPackingArguments,
    // TrainingArguments' evaluation arguments, apart from trainingArguments because transformers' Trainer
    // refuses an eval_strategy without an eval_dataset: the caller that has eval examples passes them.
    evalArguments: { eval_strategy: settings.evalStrategy, eval_steps: settings.evalSteps },
  };
}

/** `base` with each setting that TrainingArguments or LoraConfig has a default for set to that default. */
export function withHfDefaults(base: TrainingSettings): TrainingSettings {
  let settings = base;
  for (const defaults of [HF_TRAINING_DEFAULTS, PEFT_LORA_DEFAULTS] as Array<Record<string, unknown>>) {
    for (const { name, ...e } of entriesOf(defaults)) {
      settings = withSetting(settings, e, name in FROM_HF ? FROM_HF[name](defaults[name]) : defaults[name]);
    }
  }
  return settings;
}
