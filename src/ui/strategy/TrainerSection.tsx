// "As trained by": pick a tool, set its options (the form is built from the tool's option table),
// and get the config that makes the tool label the examples as the chips now show.
import { useState } from "react";
import { isTrainerName, TRAINERS, type TrainerName } from "../../core/trainers";
import { writtenDefault, type OptionSpec } from "../../core/trainers/options";
import { ROW_SHAPES, type RowShape } from "../../core/trainers/pageRow";
import { configSnippet } from "../../core/trainers/snippets";
import { trainerInfo } from "../../core/trainers/trainerView";
import { environment } from "../../services/environment";
import { usePlayground } from "../../store/playgroundStore";
import { trainerChoice } from "../../store/trainerSlice";
import { EscapedTextInput } from "../common/EscapedTextInput";
import { Options } from "../common/Options";

interface OptionProps {
  trainer: TrainerName;
  name: string;
  spec: OptionSpec<unknown>;
  value: string | undefined;
  onChange: (value: string | null) => void;
}

function OptionInput({ trainer, name, spec, value, onChange }: OptionProps) {
  const fallback = writtenDefault(spec);
  const testId = `trainer-option-${name}`;
  // Writing the default is the same as leaving it unset, so the config lists only real changes.
  const set = (raw: string) => onChange(raw === fallback || (fallback === null && raw === "") ? null : raw);
  let input;
  if (spec.choices) {
    input = (
      <select data-testid={testId} value={value ?? fallback ?? ""} onChange={(e) => set(e.target.value)}>
        <Options items={spec.choices} label={(c) => (c === fallback ? `${c} (default)` : c)} />
      </select>
    );
  } else if (spec.syntax === "TEXT") {
    return (
      <EscapedTextInput
        key={trainer}
        label={name}
        testId={testId}
        value={value ?? ""}
        hint={`${spec.help}. Empty: None (the default). Write a newline as \\n.`}
        onCommit={set}
      />
    );
  } else {
    input = (
      <input
        className="mono"
        data-testid={testId}
        value={value ?? fallback ?? ""}
        placeholder={spec.syntax}
        spellCheck={false}
        onChange={(e) => set(e.target.value)}
      />
    );
  }
  return (
    <label className="field">
      <span className="label-text mono">{name}</span>
      {input}
      <span className="hint">{spec.help}</span>
    </label>
  );
}

function ConfigOut({ trainer }: { trainer: TrainerName }) {
  const settings = usePlayground((s) => s.trainer);
  const [copied, setCopied] = useState<string | null>(null);
  const choice = trainerChoice(settings, trainer);
  let snippet: string;
  try {
    snippet = choice === null ? "" : configSnippet(choice);
  } catch (err) {
    return (
      <p className="field-error" role="alert" data-testid="trainer-config-error">
        No config: {(err as Error).message}
      </p>
    );
  }
  const copy = async () => {
    const clipboard = environment().clipboard;
    if (clipboard === null) return setCopied("This page has no clipboard here: select the text and copy it.");
    try {
      await clipboard.writeText(snippet);
      setCopied("Copied.");
    } catch (err) {
      setCopied(`The browser refused the clipboard (${(err as Error).message}): select the text and copy it.`);
    }
  };
  return (
    <div className="trainer-config">
      <div className="row">
        <span className="label-text grow">Config that reproduces these labels</span>
        <button type="button" className="secondary" data-testid="trainer-copy" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <pre className="mono" data-testid="trainer-config">
        {snippet}
      </pre>
      {copied ? (
        <p className="hint" role="status" data-testid="trainer-copy-status">
          {copied}
        </p>
      ) : null}
    </div>
  );
}

export function TrainerSection() {
  const settings = usePlayground((s) => s.trainer);
  const setTrainer = usePlayground((s) => s.setTrainer);
  const setTrainerOption = usePlayground((s) => s.setTrainerOption);
  const setTrainerRow = usePlayground((s) => s.setTrainerRow);
  const name = settings.name;
  const info = name === null ? null : trainerInfo(name);
  return (
    <fieldset className="subfield trainer-section" data-testid="trainer-section">
      <legend>As trained by</legend>
      <p className="hint">
        Show the labels a real tool builds from these examples, with its own options, instead of the strategy&apos;s. A run started while a
        tool is chosen trains exactly these ids and labels (rows the tool drops are left out) and names the tool in the runs table.
      </p>
      <select
        data-testid="trainer-select"
        aria-label="As trained by"
        value={name ?? ""}
        onChange={(e) => setTrainer(isTrainerName(e.target.value) ? e.target.value : null)}
      >
        <option value="">(the masking strategy above)</option>
        <Options items={TRAINERS} value={(t) => t.name} label={(t) => t.label} />
      </select>
      <label className="field">
        <span className="label-text">Each example given to the tool as</span>
        <select data-testid="trainer-row" value={settings.row} onChange={(e) => setTrainerRow(e.target.value as RowShape)}>
          <Options items={ROW_SHAPES} value={(r) => r.shape} label={(r) => r.label} />
        </select>
      </label>
      {info !== null && name !== null ? (
        <>
          <p className="hint">Reproduces {info.source}; the options are the tool's own names and defaults.</p>
          <div className="options trainer-options" data-testid="trainer-options">
            {Object.entries(info.options).map(([key, spec]) => (
              <OptionInput
                key={`${name}.${key}`}
                trainer={name}
                name={key}
                spec={spec}
                value={settings.options[name][key]}
                onChange={(v) => setTrainerOption(name, key, v)}
              />
            ))}
          </div>
          <ConfigOut key={name} trainer={name} />
        </>
      ) : null}
    </fieldset>
  );
}
