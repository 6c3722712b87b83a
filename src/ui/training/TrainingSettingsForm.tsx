// The notebook's TrainingArguments and LoraConfig as a form: each field with its help text (the
// per-field comments of playgroundState.ts), target modules from the loaded model.
import { useEffect, useState } from "react";
import { BUNDLED_MODEL_TRAINING, DEFAULT_TRAINING, type TrainingSettings } from "../../core/playgroundState";
import { usePlayground } from "../../store/playgroundStore";

interface NumberFieldProps {
  label: string;
  help: string;
  value: number;
  min?: number;
  max?: number;
  step?: number | "any";
  integer?: boolean;
  onChange: (value: number) => void;
  testId: string;
}

/** A number input that keeps what is typed until it is a valid number in range. */
function NumberField({ label, help, value, min, max, step = 1, integer = true, onChange, testId }: NumberFieldProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText((t) => (Number(t) === value ? t : String(value))), [value]);
  const commit = (t: string) => {
    setText(t);
    const n = Number(t);
    if (t.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) return;
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) return;
    onChange(n);
  };
  const invalid = Number(text) !== value;
  return (
    <label className="field" title={help}>
      <span>{label}</span>
      <input
        type="number"
        value={text}
        min={min}
        max={max}
        step={step}
        onChange={(e) => commit(e.target.value)}
        aria-invalid={invalid}
        data-testid={testId}
      />
    </label>
  );
}

/** Fields where the bundled-model settings differ from the Trainer defaults, as "name a → b". */
function differences(a: TrainingSettings, b: TrainingSettings): string[] {
  const out: string[] = [];
  for (const key of Object.keys(a) as Array<keyof TrainingSettings>) {
    if (key === "lora") continue;
    if (a[key] !== b[key]) out.push(`${key} ${String(a[key])} → ${String(b[key])}`);
  }
  for (const key of Object.keys(a.lora) as Array<keyof TrainingSettings["lora"]>) {
    if (JSON.stringify(a.lora[key]) !== JSON.stringify(b.lora[key])) out.push(`${key} ${String(a.lora[key])} → ${String(b.lora[key])}`);
  }
  return out;
}

function BundledNote() {
  const bundled = usePlayground((s) => s.model.kind === "bundled" && s.droppedModelName === null);
  const setTraining = usePlayground((s) => s.setTraining);
  const setLora = usePlayground((s) => s.setLora);
  const preset = BUNDLED_MODEL_TRAINING;
  if (!bundled) return null;
  const diff = differences(DEFAULT_TRAINING, preset);
  if (diff.length === 0) return null;
  const apply = (t: TrainingSettings) => {
    const { lora, ...rest } = structuredClone(t);
    setTraining(rest);
    setLora(lora);
  };
  return (
    <div className="note" data-testid="bundled-note">
      The bundled model starts from random weights, so the Trainer's defaults barely move it; these settings differ from the
      Trainer's (the notebook's) to learn the five answers quickly: {diff.join(", ")}.{" "}
      <button type="button" className="link-button" onClick={() => apply(preset)}>
        use these
      </button>{" "}
      ·{" "}
      <button type="button" className="link-button" onClick={() => apply(DEFAULT_TRAINING)}>
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
      <legend title="Linear layers that get LoRA adapters (PEFT's target_modules).">target_modules</legend>
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

export function TrainingSettingsForm({ disabled }: { disabled: boolean }) {
  const t = usePlayground((s) => s.training);
  const setTraining = usePlayground((s) => s.setTraining);
  const setLora = usePlayground((s) => s.setLora);
  return (
    <section className="panel training-settings" aria-label="Training settings">
      <h2>Training settings</h2>
      <BundledNote />
      <fieldset disabled={disabled} className="settings-grid">
        <NumberField label="epochs" help="Passes over the examples (num_train_epochs); ignored when max steps > 0." value={t.epochs} min={0.01} integer={false} step="any" onChange={(epochs) => setTraining({ epochs })} testId="set-epochs" />
        <NumberField label="max steps" help="Optimizer steps; > 0 overrides epochs (max_steps)." value={t.maxSteps} min={0} onChange={(maxSteps) => setTraining({ maxSteps })} testId="set-max-steps" />
        <NumberField label="learning rate" help="AdamW learning rate, decayed linearly to 0." value={t.learningRate} min={1e-8} max={10} integer={false} step="any" onChange={(learningRate) => setTraining({ learningRate })} testId="set-lr" />
        <NumberField label="batch size" help="Examples per step; shorter ones are right-padded." value={t.batchSize} min={1} onChange={(batchSize) => setTraining({ batchSize })} testId="set-batch" />
        <NumberField label="max_seq_length" help="Longer examples are truncated to this many tokens." value={t.maxSeqLength} min={8} onChange={(maxSeqLength) => setTraining({ maxSeqLength })} testId="set-max-seq" />
        <NumberField label="warmup steps" help="Linear warmup steps (Trainer default 0)." value={t.warmupSteps} min={0} onChange={(warmupSteps) => setTraining({ warmupSteps })} testId="set-warmup" />
        <NumberField label="seed" help="Seed for LoRA initialisation, dropout and shuffling." value={t.seed} onChange={(seed) => setTraining({ seed })} testId="set-seed" />
        <NumberField label="generate every" help="Answer every prompt every this many steps (0 = only at the end)." value={t.generateEvery} min={0} onChange={(generateEvery) => setTraining({ generateEvery })} testId="set-generate-every" />
        <NumberField label="max new tokens" help="Tokens generated per answer (the notebook used 5)." value={t.maxNewTokens} min={1} max={512} onChange={(maxNewTokens) => setTraining({ maxNewTokens })} testId="set-max-new" />
      </fieldset>
      <h3>LoRA</h3>
      <fieldset disabled={disabled} className="settings-grid">
        <NumberField label="r" help="LoRA rank: inner dimension of lora_A [r, in] and lora_B [out, r]." value={t.lora.r} min={1} onChange={(r) => setLora({ r })} testId="set-r" />
        <NumberField label="lora_alpha" help="The update is scaled by lora_alpha / r (or / sqrt(r) with rsLoRA)." value={t.lora.loraAlpha} min={1e-6} integer={false} step="any" onChange={(loraAlpha) => setLora({ loraAlpha })} testId="set-alpha" />
        <NumberField label="lora_dropout" help="Dropout on the LoRA input during training." value={t.lora.loraDropout} min={0} max={1} integer={false} step={0.05} onChange={(loraDropout) => setLora({ loraDropout })} testId="set-dropout" />
        <label className="check" title="rsLoRA: scale by lora_alpha / sqrt(r).">
          <input type="checkbox" checked={t.lora.useRslora} onChange={(e) => setLora({ useRslora: e.target.checked })} /> use_rslora
        </label>
        <label className="check" title="Also train the embedding rows of newly added special tokens (the notebook left them random).">
          <input type="checkbox" checked={t.lora.trainNewTokenRows} onChange={(e) => setLora({ trainNewTokenRows: e.target.checked })} /> train added-token embeddings
        </label>
      </fieldset>
      <fieldset disabled={disabled} className="plain">
        <TargetModules />
      </fieldset>
    </section>
  );
}
