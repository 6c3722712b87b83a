// A template for the completion-only collator: the formatting's own template, a text (tokenized
// alone, as TRL does), or explicit token ids (e.g. the ids the template has in context).
import { useEffect, useState } from "react";
import type { TemplateSpec } from "../../core/types";
import { EscapedTextInput } from "../common/EscapedTextInput";

type Mode = "formatting" | "text" | "ids" | "none";

interface Props {
  label: string;
  testId: string;
  value: TemplateSpec | null;
  /** The formatting's template text, used when value is null. */
  fallback: string;
  /** Offer "none" (an empty text: no instruction template). */
  allowNone?: boolean;
  onChange: (spec: TemplateSpec | null) => void;
}

function modeOf(value: TemplateSpec | null): Mode {
  if (value === null) return "formatting";
  if ("ids" in value) return "ids";
  return value.text === "" ? "none" : "text";
}

/** "271, 14374" → [271, 14374], or a message naming the bad entry. */
export function parseIds(text: string): { ok: true; ids: number[] } | { ok: false; error: string } {
  const parts = text.split(/[,\s]+/).filter((p) => p !== "");
  if (parts.length === 0) return { ok: false, error: "Give at least one token id, e.g. 1939, 14374, 21388, 25." };
  const bad = parts.find((p) => !/^\d+$/.test(p));
  if (bad !== undefined) return { ok: false, error: `"${bad}" is not a token id: use non-negative whole numbers separated by commas.` };
  return { ok: true, ids: parts.map(Number) };
}

export function TemplateSpecInput({ label, testId, value, fallback, allowNone, onChange }: Props) {
  const mode = modeOf(value);
  const [idsDraft, setIdsDraft] = useState(value && "ids" in value ? value.ids.join(", ") : "");
  const [idsError, setIdsError] = useState<string | null>(null);
  useEffect(() => {
    if (value && "ids" in value) setIdsDraft(value.ids.join(", "));
  }, [value]);

  const setMode = (next: Mode) => {
    if (next === "formatting") onChange(null);
    else if (next === "none") onChange({ text: "" });
    else if (next === "text") onChange({ text: fallback });
    else {
      const parsed = parseIds(idsDraft);
      onChange({ ids: parsed.ok ? parsed.ids : [] });
    }
  };

  return (
    <fieldset className="subfield">
      <legend>{label}</legend>
      <select data-testid={`${testId}-mode`} value={mode} onChange={(e) => setMode(e.target.value as Mode)} aria-label={`${label}: source`}>
        {/* With chat-template formatting the response template is the chat template's generation prompt. */}
        <option value="formatting">from the formatting</option>
        <option value="text">text (tokenized alone)</option>
        <option value="ids">token ids</option>
        {allowNone ? <option value="none">none</option> : null}
      </select>
      {mode === "text" && value && "text" in value ? (
        <EscapedTextInput label="Template text" testId={`${testId}-text`} value={value.text} onCommit={(text) => onChange({ text })} />
      ) : null}
      {mode === "ids" ? (
        <div className="field">
          <label>
            <span className="label-text">Token ids, comma-separated</span>
            <input
              className="mono"
              data-testid={`${testId}-ids`}
              value={idsDraft}
              spellCheck={false}
              onChange={(e) => {
                setIdsDraft(e.target.value);
                const parsed = parseIds(e.target.value);
                setIdsError(parsed.ok ? null : parsed.error);
                if (parsed.ok) onChange({ ids: parsed.ids });
              }}
            />
          </label>
          {idsError ? (
            <p className="field-error" role="alert">
              {idsError}
            </p>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
