// Tool calls and tool lists are edited as JSON: the text is kept as typed while it does not parse
// or does not read as calls / tools (with the reader's own message under it), and committed when it does.
import { useEffect, useRef, useState } from "react";
import type { RecordProblem } from "../../core/dataset/turns";

interface Props<T> {
  label: string;
  testId: string;
  value: T[];
  /**
   * The dataset reader's own check (core/dataset/toolCalls.ts), so the editor accepts what a dataset
   * file may hold and says the same thing when it cannot: the value, or what is wrong and where.
   */
  read: (json: unknown, path: string) => T[] | RecordProblem;
  onCommit: (value: T[]) => void;
}

export function JsonField<T>({ label, testId, value, read, onCommit }: Props<T>) {
  const shown = JSON.stringify(value, null, 1);
  const [draft, setDraft] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  // What this field last committed: its own edit coming back as `value` leaves the typed text (and
  // the caret) alone; a change from elsewhere (a dataset, undo) replaces it unless it is being fixed.
  const committed = useRef<T[] | null>(null);
  useEffect(() => {
    if (error === null && value !== committed.current) setDraft(shown);
  }, [value, shown, error]);
  const change = (text: string) => {
    setDraft(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      setError(`not JSON yet: ${(err as Error).message}`);
      return;
    }
    const r = read(json, "$");
    if (!Array.isArray(r)) {
      setError(`${r.path}: ${r.message}`);
      return;
    }
    setError(null);
    committed.current = r;
    onCommit(r);
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
