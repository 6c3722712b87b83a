// Tool calls and tool lists are edited as JSON: the text is kept as typed while it does not parse
// or does not read as calls / tools (with the reader's own message under it), and committed when it does.
import { useEffect, useState } from "react";

interface Props<T> {
  label: string;
  testId: string;
  value: T;
  /** The dataset reader's own check: the value, or a message saying what is wrong and where. */
  read: (json: unknown) => { value: T } | { message: string };
  onCommit: (value: T) => void;
}

export function JsonField<T>({ label, testId, value, read, onCommit }: Props<T>) {
  const shown = JSON.stringify(value, null, 1);
  const [draft, setDraft] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  // A change from elsewhere (a dataset, undo) replaces the draft unless it is being fixed.
  useEffect(() => {
    if (error === null) setDraft(shown);
  }, [shown, error]);
  const change = (text: string) => {
    setDraft(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      setError(`not JSON yet: ${(err as Error).message}`);
      return;
    }
    const r = read(json);
    if ("message" in r) {
      setError(r.message);
      return;
    }
    setError(null);
    onCommit(r.value);
  };
  return (
    <label className="json-field">
      <span className="label-text">{label}</span>
      <textarea
        className="mono"
        data-testid={testId}
        value={draft}
        rows={Math.min(8, draft.split("\n").length)}
        spellCheck={false}
        aria-invalid={error !== null}
        onChange={(e) => change(e.target.value)}
      />
      {error ? (
        <span className="error-text" role="alert">
          {error}; the last valid value is kept.
        </span>
      ) : null}
    </label>
  );
}
