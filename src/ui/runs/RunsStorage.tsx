// Where the runs are kept, above the runs table: how much they take in this browser's storage (and
// the site's use against its quota), a failed save with what to delete, records that could not be
// read, and the way in and out as files: "import runs" and "all ⤓"; each row has its own "file ⤓".
import { useState } from "react";
import { formatBytes } from "../../core/dataset/bytes";
import { usePlayground } from "../../store/playgroundStore";
import type { RunRecord } from "../../store/runRecord";
import { downloadRunFile, importRunFiles, type ImportReport } from "../../services/runFiles";
import { discardUnreadableRuns } from "../../services/runsStorage";
import { FilePicker } from "../common/FilePicker";
import { settle } from "../common/settle";

/** Bytes a run takes in the browser's storage: its record and its adapter. */
export function storedBytes(run: RunRecord, recordBytes: Record<string, number>): number {
  return (recordBytes[run.id] ?? 0) + (run.storedAdapter?.bytes ?? 0);
}

function UsageLine() {
  const storage = usePlayground((s) => s.runsStorage);
  const runs = usePlayground((s) => s.runs);
  const order = usePlayground((s) => s.runOrder);
  if (storage.status === "loading") return <p className="hint">Reading the runs kept in this browser…</p>;
  if (storage.status === "memory") return null; // the notice says why
  const adapters = order.reduce((n, id) => n + (runs[id]?.storedAdapter?.bytes ?? 0), 0);
  const total = order.reduce((n, id) => n + (runs[id] ? storedBytes(runs[id], storage.recordBytes) : 0), 0);
  const site = storage.estimate;
  return (
    <p className="hint" data-testid="runs-storage" data-bytes={total}>
      Kept in this browser: {order.length} {order.length === 1 ? "run" : "runs"}, {formatBytes(total)} (adapters {formatBytes(adapters)}).
      {site ? ` The site uses ${formatBytes(site.usage)} of ${formatBytes(site.quota)} (downloaded hub models included).` : null}
    </p>
  );
}

function ImportResult({ report }: { report: ImportReport }) {
  return (
    <div className={`message ${report.problems.length ? "warning" : "info"}`} role="status" data-testid="import-runs-result">
      {report.imported.length ? <p>Imported {report.imported.join(", ")}.</p> : null}
      {report.problems.map((p) => (
        <p key={p}>{p}</p>
      ))}
    </div>
  );
}

export function RunsStorage() {
  const storage = usePlayground((s) => s.runsStorage);
  const order = usePlayground((s) => s.runOrder);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <div className="row runs-files">
        <UsageLine />
        <span className="spacer" />
        <FilePicker
          accept=".zip,.json,application/zip,application/json"
          multiple
          inputTestId="import-runs-input"
          onFiles={(files) => settle(importRunFiles(files).then(setReport), setError)}
          className="small secondary"
          title="Add runs from files that “file ⤓” or “all ⤓” downloaded: their settings, curves, answers and adapters"
          data-testid="import-runs"
          disabled={storage.status === "loading"}
        >
          import runs…
        </FilePicker>
        {order.length > 1 ? (
          <button
            type="button"
            className="small secondary"
            title="Download every run (with its adapter) as one zip that “import runs” reads"
            data-testid="download-all-runs"
            onClick={() => settle(downloadRunFile(order), setError)}
          >
            all ⤓
          </button>
        ) : null}
      </div>
      {storage.saveError ? (
        <div className="message error" role="alert" data-testid="runs-save-error">
          {storage.saveError}
        </div>
      ) : null}
      {storage.notices.map((n) => (
        <div key={n} className="message warning" data-testid="runs-notice">
          {n}
        </div>
      ))}
      {storage.skippedIds.length ? (
        <button
          type="button"
          className="small secondary"
          data-testid="discard-unreadable-runs"
          onClick={() => void discardUnreadableRuns()}
        >
          remove the unreadable {storage.skippedIds.length === 1 ? "run" : "runs"} from this browser
        </button>
      ) : null}
      {report ? <ImportResult report={report} /> : null}
      {error ? (
        <div className="message error" role="alert">
          {error}
        </div>
      ) : null}
    </>
  );
}
