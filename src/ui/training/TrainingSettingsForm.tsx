// The notebook's TrainingArguments and LoraConfig as a form, derived from the settings table
// (core/settings): each field's label, bounds, step and help text come from there; target modules
// from the loaded model.
import { useEffect, useState } from "react";
import { BUNDLED_MODEL_TRAINING, NOTEBOOK_TRAINING, type TrainingSettings } from "../../core/playgroundState";
import { readNumber, type NumberField, type SettingField } from "../../core/settings/fields";
import { LORA_FIELDS, SETTING_ENTRIES, settingValue, TRAINING_FIELDS } from "../../core/settings/trainingSettings";
import { bundledModelChosen, usePlayground } from "../../store/playgroundStore";
import { Options } from "../common/Options";

/** The data-testid of a setting's input: `set-max-steps` for maxSteps. */
const testIdOf = (key: string) => `set-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** "num_train_epochs: Total number of …", the hover text of a field. */
const titleOf = (f: SettingField) => (f.name && f.name !== f.label ? `${f.name}: ${f.help}` : f.help);

interface NumberInputProps {
  settingKey: string;
  field: NumberField;
  value: number;
  onChange: (value: number) => void;
}

/**
 * A number input that keeps what is typed until the settings table accepts it (the same check as the
 * share link and the worker), and says under the input why it does not.
 */
export function NumberInput({ settingKey, field, value, onChange }: NumberInputProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText((t) => (Number(t) === value ? t : String(value))), [value]);
  const read = readNumber(field, text);
  const commit = (t: string) => {
    setText(t);
    const r = readNumber(field, t);
    if (r.ok) onChange(r.value);
  };
  const error = read.ok ? null : `${field.label} ${read.message}; the run uses ${value}.`;
  return (
    <label className={error ? "field has-error" : "field"} title={titleOf(field)}>
      <span>{field.label}</span>
      <input
        type="number"
        value={text}
        min={field.min}
        max={field.max}
        step={field.step}
        onChange={(e) => commit(e.target.value)}
        aria-invalid={!read.ok}
        data-testid={testIdOf(settingKey)}
      />
      {error ? (
        <span className="field-error" role="alert" data-testid={`${testIdOf(settingKey)}-error`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** Settings where `b` differs from `a`, as "learning rate 0.00005 → 0.005" (the table's labels). */
function differences(a: TrainingSettings, b: TrainingSettings): string[] {
  return SETTING_ENTRIES.flatMap((e) => {
    const [from, to] = [settingValue(a, e), settingValue(b, e)];
    return JSON.stringify(from) === JSON.stringify(to) ? [] : [`${e.field.label} ${String(from)} → ${String(to)}`];
  });
}

function BundledNote() {
  const bundled = usePlayground(bundledModelChosen);
  const setTraining = usePlayground((s) => s.setTraining);
  const setLora = usePlayground((s) => s.setLora);
  if (!bundled) return null;
  const diff = differences(NOTEBOOK_TRAINING, BUNDLED_MODEL_TRAINING);
  if (diff.length === 0) return null;
  const apply = (t: TrainingSettings) => {
    const { lora, ...rest } = structuredClone(t);
    setTraining(rest);
    setLora(lora);
  };
  return (
    <div className="note" data-testid="bundled-note">
      The bundled model is tiny (1.4M parameters), so the Trainer's defaults barely move it; these settings differ from the Trainer's (the
      notebook's) to teach it the chat format and the five answers: {diff.join(", ")}.{" "}
      <button type="button" className="link-button" onClick={() => apply(BUNDLED_MODEL_TRAINING)}>
        use these
      </button>{" "}
      ·{" "}
      <button type="button" className="link-button" onClick={() => apply(NOTEBOOK_TRAINING)}>
        use the Trainer's
      </button>
    </div>
  );
}

function TargetModules() {
  const info = usePlayground((s) => s.loadedModel?.info);
  const targets = usePlayground((s) => s.training.lora.targetModules);
  const setLora = usePlayground((s) => s.setLora);
  if (!info) return <p className="hint">Target modules appear when the model is loaded.</p>;
  // PEFT's "all-linear" shorthand: every linear layer but the output head.
  const chosen = targets.includes("all-linear") ? info.linearModules : targets.length ? targets : info.defaultTargets;
  const toggle = (name: string) => {
    const next = chosen.includes(name) ? chosen.filter((m) => m !== name) : [...chosen, name];
    // The default set is stored as [] so a share URL stays valid for another architecture.
    const isDefault = next.length === info.defaultTargets.length && next.every((m) => info.defaultTargets.includes(m));
    const isAll = next.length === info.linearModules.length;
    setLora({ targetModules: isDefault ? [] : isAll ? ["all-linear"] : next });
  };
  return (
    <fieldset className="targets" data-testid="target-modules">
      <legend title={LORA_FIELDS.targetModules.help}>{LORA_FIELDS.targetModules.label}</legend>
      {info.linearModules.map((m) => (
        <label key={m} className="check">
          <input type="checkbox" checked={chosen.includes(m)} onChange={() => toggle(m)} /> <code>{m}</code>
        </label>
      ))}
      {targets.length === 0 ? <span className="hint">PEFT's default for {info.architecture}</span> : null}
      {targets.includes("all-linear") ? <span className="hint">all-linear</span> : null}
    </fieldset>
  );
}

/** The number fields of one table, in table order; booleans as checkboxes after them. */
function FieldGrid<V extends object>({
  fields,
  values,
  onChange,
  disabled,
}: {
  fields: { [K in keyof V]: SettingField };
  values: V;
  onChange: (patch: Partial<V>) => void;
  disabled: boolean;
}) {
  const entries = Object.entries(fields) as Array<[keyof V & string, SettingField]>;
  // One key's patch; the table's kind says the value's type, which TypeScript cannot follow through a loop.
  const patch = (key: keyof V, value: number | boolean | string) => onChange({ [key]: value } as Partial<V>);
  return (
    <fieldset disabled={disabled} className="settings-grid">
      {entries.map(([key, f]) =>
        f.kind === "number" ? (
          <NumberInput key={key} settingKey={key} field={f} value={values[key] as number} onChange={(v) => patch(key, v)} />
        ) : null,
      )}
      {entries.map(([key, f]) =>
        f.kind === "choice" ? (
          <label key={key} className="field" title={titleOf(f)}>
            <span>{f.label}</span>
            <select value={values[key] as string} onChange={(e) => patch(key, e.target.value)} data-testid={testIdOf(key)}>
              <Options items={f.options} />
            </select>
          </label>
        ) : null,
      )}
      {entries.map(([key, f]) =>
        f.kind === "boolean" ? (
          <label key={key} className="check" title={titleOf(f)}>
            <input type="checkbox" checked={values[key] as boolean} onChange={(e) => patch(key, e.target.checked)} /> {f.label}
          </label>
        ) : null,
      )}
    </fieldset>
  );
}

export function TrainingSettingsForm({ disabled }: { disabled: boolean }) {
  const { lora, ...training } = usePlayground((s) => s.training);
  const setTraining = usePlayground((s) => s.setTraining);
  const setLora = usePlayground((s) => s.setLora);
  return (
    <section className="panel training-settings" aria-label="Training settings">
      <h2>Training settings</h2>
      <BundledNote />
      <FieldGrid fields={TRAINING_FIELDS} values={training} onChange={setTraining} disabled={disabled} />
      <h3>LoRA</h3>
      <FieldGrid fields={LORA_FIELDS} values={lora} onChange={setLora} disabled={disabled} />
      <fieldset disabled={disabled} className="plain">
        <TargetModules />
      </fieldset>
    </section>
  );
}
