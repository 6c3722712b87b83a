// A one-line input for text that holds newlines: shown and edited JSON-escaped (`\n` is a newline,
// `\t` a tab, `\"` a quote), committed after a short pause so that expensive settings (adding
// special tokens rebuilds the tokenizer) are not recomputed on every keystroke.
import { useEffect, useId, useRef, useState } from "react";

export function escapeText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The text, or an error saying what to fix. */
export function unescapeText(escaped: string): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: JSON.parse(`"${escaped}"`) as string };
  } catch {
    return { ok: false, error: 'Not a valid escaped string: write a newline as \\n, a quote as \\", a backslash as \\\\.' };
  }
}

interface Props {
  label: string;
  value: string;
  onCommit: (text: string) => void;
  testId: string;
  hint?: string;
  disabled?: boolean;
  /** Milliseconds of quiet before committing. */
  delay?: number;
}

export function EscapedTextInput({ label, value, onCommit, testId, hint, disabled, delay = 300 }: Props) {
  const id = useId();
  const [draft, setDraft] = useState(() => escapeText(value));
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const focused = useRef(false);

  // Follow outside changes (reset, load) unless the user is typing here.
  useEffect(() => {
    if (!focused.current) setDraft(escapeText(value));
  }, [value]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const commit = (next: string) => {
    const parsed = unescapeText(next);
    if (!parsed.ok) return setError(parsed.error);
    setError(null);
    if (parsed.text !== value) onCommit(parsed.text);
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="mono"
        data-testid={testId}
        value={draft}
        disabled={disabled}
        spellCheck={false}
        aria-invalid={error !== null}
        onFocus={() => (focused.current = true)}
        onBlur={() => {
          focused.current = false;
          window.clearTimeout(timer.current);
          commit(draft);
        }}
        onChange={(e) => {
          const next = e.target.value;
          setDraft(next);
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => commit(next), delay);
        }}
      />
      {error ? (
        <p className="field-error" role="alert">
          {error} The last valid value is still in use.
        </p>
      ) : hint ? (
        <p className="hint">{hint}</p>
      ) : null}
    </div>
  );
}
