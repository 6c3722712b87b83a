// Data & sharing: load a dataset file, copy a share link, export / import the playground as a JSON
// file, and the autosave's state. Each action reports here, next to its button.
import { formatBytes } from "../../core/dataset/bytes";
import { MAX_STATE_FILE_CHARS } from "../../core/share/codec";
import { readDatasetFiles } from "../../services/datasetReading";
import { environment } from "../../services/environment";
import { noticeShown } from "../../store/actions";
import { usePlayground } from "../../store/playgroundStore";
import type { ShareStatus } from "../../store/state";
import { FilePicker } from "../common/FilePicker";
import { NoticeBox } from "./NoticeBox";
import "./data.css";

const DATASET_TYPES = ".jsonl,.ndjson,.json,.csv,.tsv,.tab,.parquet,application/json,text/csv,text/tab-separated-values";

function downloadPlayground() {
  const f = usePlayground.getState().exportPlayground();
  environment().downloads.save(f.fileName, f.text, "application/json");
}

function ShareResult({ share }: { share: ShareStatus }) {
  const dismiss = usePlayground((s) => s.dismissShare);
  switch (share.kind) {
    case "idle":
      return null;
    case "copied":
    case "manual":
      return (
        <div
          className={`message ${share.kind === "copied" ? "info" : "warning"}`}
          role="status"
          data-testid="share-result"
          data-kind={share.kind}
        >
          <p>
            {share.kind === "copied" ? (
              <>
                <strong>Link copied.</strong> Whoever opens it sees this playground as it is now ({share.url.length.toLocaleString("en-US")}{" "}
                characters).
              </>
            ) : (
              <>
                <strong>Copy the link yourself:</strong> {share.reason}. Select it below and copy.
              </>
            )}
          </p>
          <input
            className="mono share-url"
            readOnly
            value={share.url}
            data-testid="share-url"
            aria-label="Share link"
            onFocus={(e) => e.currentTarget.select()}
          />
          <div className="next-steps">
            <button type="button" className="secondary small" onClick={dismiss}>
              Done
            </button>
          </div>
        </div>
      );
    case "too-large":
      return (
        <div className="message warning" role="status" data-testid="share-result" data-kind="too-large">
          <p>
            <strong>Too large for a link.</strong>{" "}
            {share.what === "link"
              ? `The link would be ${share.chars.toLocaleString("en-US")} characters; browsers and chat apps cut links over ${share.limit.toLocaleString("en-US")}.`
              : `The playground is ${formatBytes(share.chars)} of data; a link carries at most ${formatBytes(share.limit)}.`}{" "}
            Send the playground as a JSON file instead; it opens with Import.
          </p>
          <div className="next-steps">
            <button type="button" className="small" data-testid="share-download" onClick={downloadPlayground}>
              Download as JSON file
            </button>
            <button type="button" className="secondary small" onClick={dismiss}>
              Dismiss
            </button>
          </div>
        </div>
      );
    default: {
      const _exhaustive: never = share;
      return _exhaustive;
    }
  }
}

function AutosaveLine() {
  const autosave = usePlayground((s) => s.autosave);
  if (autosave.kind === "failed") return <NoticeBox notice={autosave.notice} testId="autosave-notice" />;
  return (
    <p className="hint" data-testid="autosave-status">
      {autosave.kind === "saved"
        ? `Autosaved in this browser at ${new Date(autosave.at).toLocaleTimeString()}; a reload brings it back.`
        : "Autosaves in this browser after each edit; a reload brings it back."}
    </p>
  );
}

export function DataPanel() {
  const reading = usePlayground((s) => s.dataset.phase === "reading");
  const share = usePlayground((s) => s.share);
  const copyShareLink = usePlayground((s) => s.copyShareLink);
  const importPlayground = usePlayground((s) => s.importPlayground);
  const fileNotice = usePlayground((s) => s.fileNotice);
  const dismissNotice = usePlayground((s) => s.dismissNotice);

  const importFile = async (file: File) => {
    // importStateFile refuses it too, but only after the page has read the whole file.
    if (file.size > MAX_STATE_FILE_CHARS * 4) {
      noticeShown("fileNotice", {
        tone: "error",
        title: `${file.name} was not imported`,
        detail: `It is ${formatBytes(file.size)}; a playground file is at most ${formatBytes(MAX_STATE_FILE_CHARS)}. Nothing changed; to load training data, use "Load a dataset file" instead.`,
      });
      return;
    }
    importPlayground(await file.text(), file.name);
  };

  return (
    <section className="panel data-panel" aria-labelledby="data-heading" data-testid="data-panel">
      <h2 id="data-heading">Data &amp; sharing</h2>

      <div className="data-row">
        <FilePicker
          accept={DATASET_TYPES}
          inputTestId="dataset-file-input"
          onFiles={readDatasetFiles}
          data-testid="dataset-pick"
          disabled={reading}
        >
          Load a dataset file…
        </FilePicker>
      </div>
      <p className="hint">
        Or drop it anywhere on the page. JSONL, JSON array, CSV/TSV or Parquet with messages, conversations, alpaca, prompt/completion or
        text records. You see a preview before your examples are replaced.
      </p>

      <h3>Share</h3>
      <div className="data-row">
        <button type="button" className="secondary" data-testid="share-copy" onClick={() => void copyShareLink()}>
          Copy share link
        </button>
      </div>
      <ShareResult share={share} />

      <h3>Save</h3>
      <div className="data-row">
        <button type="button" className="secondary" data-testid="export-playground" onClick={downloadPlayground}>
          Export as JSON file
        </button>
        <FilePicker
          accept=".json,application/json"
          inputTestId="import-file-input"
          onFiles={(files) => void importFile(files[0])}
          className="secondary"
          data-testid="import-pick"
        >
          Import JSON file…
        </FilePicker>
      </div>
      {fileNotice ? <NoticeBox notice={fileNotice} testId="file-notice" onDismiss={() => dismissNotice("fileNotice")} /> : null}
      <AutosaveLine />
    </section>
  );
}
