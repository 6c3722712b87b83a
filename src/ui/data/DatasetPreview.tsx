// What a dataset file holds, before it replaces anything: format, counts, skipped records by
// reason, the first problems with file:line:column and JSON path, and the first examples.
import { formatBytes } from "../../core/dataset/bytes";
import { formatDatasetError } from "../../core/dataset/collector";
import { FORMAT_FIELDS } from "../../core/dataset/records";
import type { Container, DatasetResult, SkipReason } from "../../core/dataset/types";
import { MAX_PAGE_EXAMPLES } from "../../store/datasetSlice";
import { dismissDataset } from "../../services/datasetReading";
import { usePlayground } from "../../store/playgroundStore";
import { useReveal } from "./useReveal";

const CONTAINERS: Record<Container, string> = { jsonl: "JSON Lines", json: "JSON array", csv: "CSV", tsv: "TSV", parquet: "Parquet" };

const SKIP_REASONS: Record<SkipReason, string> = {
  "invalid-json": "not valid JSON",
  "not-utf8": "not UTF-8 text",
  "not-an-object": "not an object",
  "unknown-format": "no known fields",
  "shape-changed": "a different format than the first record",
  "missing-field": "a required field is missing",
  "wrong-type": "a field has the wrong type",
  "empty-field": "a required field is empty",
  "unknown-role": "an unknown role",
  "roles-not-alternating": "roles do not alternate",
  "no-assistant-turn": "no assistant turn",
  "template-not-found": "text without the response template",
  "csv-field-count": "wrong number of fields",
  "csv-syntax": "CSV syntax error",
};

const SHOWN_ERRORS = 5;
const SHOWN_EXAMPLES = 3;
const SHOWN_CHARS = 160;

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const clip = (text: string) => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);

function Problems({ result }: { result: DatasetResult }) {
  const { errors, errorsOmitted, fileName } = result;
  if (errors.length === 0) return null;
  const first = errors.slice(0, SHOWN_ERRORS);
  const rest = errors.slice(SHOWN_ERRORS);
  const line = (e: (typeof errors)[number], i: number) => (
    <li key={i} className="mono" data-testid="dataset-error" data-line={e.line} data-reason={e.reason}>
      {formatDatasetError(fileName, e)}
    </li>
  );
  return (
    <div className="dataset-problems">
      <h3>{errors.length + errorsOmitted === 1 ? "Problem" : `Problems (${(errors.length + errorsOmitted).toLocaleString("en-US")})`}</h3>
      <ol className="dataset-errors">{first.map(line)}</ol>
      {rest.length > 0 ? (
        <details>
          <summary>{plural(rest.length, "more problem")}</summary>
          <ol className="dataset-errors" start={SHOWN_ERRORS + 1}>
            {rest.map((e, i) => line(e, i + SHOWN_ERRORS))}
          </ol>
        </details>
      ) : null}
      {errorsOmitted > 0 ? (
        <p className="hint">
          …and {plural(errorsOmitted, "more problem")} not listed (same kinds; fix the ones above and read the file again).
        </p>
      ) : null}
    </div>
  );
}

function Skipped({ skipped }: { skipped: DatasetResult["skipped"] }) {
  const entries = (Object.entries(skipped) as [SkipReason, number][]).filter(([, n]) => n > 0);
  if (entries.length === 0) return null;
  return (
    <div className="dataset-fact">
      <dt>Skipped records</dt>
      <dd data-testid="dataset-skipped">
        {entries.map(([reason, n]) => (
          <span key={reason} className="skip-chip" data-reason={reason}>
            {n.toLocaleString("en-US")} × {SKIP_REASONS[reason]}
          </span>
        ))}
      </dd>
    </div>
  );
}

function FirstExamples({ result }: { result: DatasetResult }) {
  const shown = result.examples.slice(0, SHOWN_EXAMPLES);
  if (shown.length === 0) return null;
  return (
    <div>
      <h3>First {shown.length === 1 ? "example" : `${shown.length} examples`}</h3>
      <ol className="dataset-samples" data-testid="dataset-samples">
        {shown.map((ex) => (
          <li key={ex.id}>
            {ex.turns.map((t, j) => (
              <div key={j} className={`sample-turn role-${t.role}`}>
                <span className="sample-role">{t.role}</span> <span className="sample-text">{clip(t.content)}</span>
              </div>
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Verdict({ result }: { result: DatasetResult }) {
  const n = result.examplesTotal;
  if (result.fatal || n === 0) {
    return (
      <p className="dataset-verdict error" data-testid="dataset-verdict">
        <strong>Nothing to load from {result.fileName}.</strong> Your examples are unchanged. Fix the file where the problem above points
        and drop it again.
      </p>
    );
  }
  const skippedCount = Object.values(result.skipped).reduce((a, b) => a + (b ?? 0), 0);
  return (
    <p className={`dataset-verdict${skippedCount ? " warning" : ""}`} data-testid="dataset-verdict">
      {skippedCount
        ? `${plural(skippedCount, "record")} will be left out (see why above); ${plural(n, "example")} are usable. `
        : `All ${plural(n, "record")} are usable. `}
      {n > MAX_PAGE_EXAMPLES
        ? `The page holds at most ${MAX_PAGE_EXAMPLES.toLocaleString("en-US")} examples, so Replace loads the first ${MAX_PAGE_EXAMPLES.toLocaleString("en-US")}; split the file to train on the rest. `
        : ""}
      Nothing changes until you press Replace, and Undo brings your current examples back.
    </p>
  );
}

export function DatasetPreview({ result, ms, ignored }: { result: DatasetResult; ms: number; ignored: string[] }) {
  const replace = usePlayground((s) => s.replaceWithDataset);
  const current = usePlayground((s) => s.examples.length);
  const n = result.examplesTotal;
  const usable = !result.fatal && n > 0;
  const tone = !usable ? "error" : result.errors.length > 0 ? "warning" : "info";
  const ref = useReveal<HTMLElement>(result);
  return (
    <section
      ref={ref}
      className={`dataset-preview tone-${tone}`}
      aria-label={`Preview of ${result.fileName}`}
      data-testid="dataset-preview"
      data-tone={tone}
    >
      <h2>
        {usable ? "Preview" : "Could not load"} <code>{result.fileName}</code>
        {usable ? <span className="muted"> — nothing is replaced yet</span> : null}
      </h2>
      <dl className="dataset-facts">
        <div className="dataset-fact">
          <dt>Format</dt>
          <dd data-testid="dataset-format">
            {result.container ? CONTAINERS[result.container] : "unknown"}
            {result.format ? ` · ${FORMAT_FIELDS[result.format]}` : ""}
          </dd>
        </div>
        <div className="dataset-fact">
          <dt>Examples</dt>
          <dd data-testid="dataset-count">{n.toLocaleString("en-US")}</dd>
        </div>
        <div className="dataset-fact">
          <dt>Turns</dt>
          <dd data-testid="dataset-turns">{result.turns.toLocaleString("en-US")}</dd>
        </div>
        <div className="dataset-fact">
          <dt>Records</dt>
          <dd>{result.records.toLocaleString("en-US")}</dd>
        </div>
        <div className="dataset-fact">
          <dt>Read</dt>
          <dd>
            {formatBytes(result.bytesRead)} in {(ms / 1000).toFixed(1)} s
          </dd>
        </div>
        <Skipped skipped={result.skipped} />
      </dl>
      {ignored.length > 0 ? (
        <p className="note">
          Only the first file was read; {ignored.join(", ")} {ignored.length === 1 ? "was" : "were"} ignored. Drop one dataset at a time.
        </p>
      ) : null}
      <Problems result={result} />
      <FirstExamples result={result} />
      <Verdict result={result} />
      <div className="next-steps">
        {usable ? (
          <button type="button" data-testid="dataset-replace" onClick={replace}>
            {n > MAX_PAGE_EXAMPLES
              ? `Replace with the first ${MAX_PAGE_EXAMPLES.toLocaleString("en-US")} examples`
              : `Replace the ${plural(current, "example")} with these ${plural(n, "example")}`}
          </button>
        ) : null}
        <button type="button" className="secondary" data-testid="dataset-cancel" onClick={dismissDataset}>
          {usable ? "Cancel, keep my examples" : "Close"}
        </button>
      </div>
    </section>
  );
}
