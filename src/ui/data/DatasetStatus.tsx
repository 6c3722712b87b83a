// Above the examples: a dataset being read (progress, cancel), its preview, why a read stopped,
// the undo after a replacement, and what happened to a share link or the autosave at startup.
import { formatBytes } from "../../core/dataset/bytes";
import { cancelDatasetRead, dismissDataset } from "../../services/datasetReading";
import { usePlayground } from "../../store/playgroundStore";
import { DatasetPreview } from "./DatasetPreview";
import { NoticeBox } from "./NoticeBox";
import { useReveal } from "./useReveal";

function Reading({ fileName, bytesRead, totalBytes }: { fileName: string; bytesRead: number; totalBytes: number | null }) {
  const pct = totalBytes ? Math.min(100, Math.floor((100 * bytesRead) / totalBytes)) : null;
  const ref = useReveal<HTMLElement>(fileName);
  return (
    <section ref={ref} className="dataset-reading" aria-label={`Reading ${fileName}`} data-testid="dataset-progress">
      <div className="reading-head">
        <span>
          <span className="spinner" aria-hidden="true" /> Reading <code>{fileName}</code> in the background…{" "}
          <span className="muted" data-testid="dataset-bytes" role="status">
            {formatBytes(bytesRead)}
            {totalBytes ? ` of ${formatBytes(totalBytes)} (${pct}%)` : ""}
          </span>
        </span>
        <button type="button" className="secondary small" data-testid="dataset-read-cancel" onClick={cancelDatasetRead}>
          Cancel
        </button>
      </div>
      <progress className="reading-bar" max={totalBytes ?? undefined} value={totalBytes ? bytesRead : undefined} aria-label="Bytes read" />
      <p className="hint">Your examples stay as they are; a preview comes first.</p>
    </section>
  );
}

function Undo() {
  const undo = usePlayground((s) => s.datasetUndo);
  const restore = usePlayground((s) => s.undoDatasetReplace);
  const keepEpochs = usePlayground((s) => s.keepPreviousEpochs);
  const ref = useReveal<HTMLDivElement>(undo);
  if (!undo) return null;
  return (
    <div ref={ref} className="message info undo-bar" role="status" data-testid="dataset-undo-bar">
      <span>
        Loaded {undo.count.toLocaleString("en-US")} examples from <code>{undo.fileName}</code>.
        {undo.epochs ? (
          <span data-testid="dataset-epochs-note">
            {" "}
            Epochs {undo.epochs.from} → {undo.epochs.to}: the notebook's {undo.epochs.from} suit its five examples, not{" "}
            {undo.count.toLocaleString("en-US")}. While training, answers come for five of these prompts and the holdout.
          </span>
        ) : null}
      </span>
      {undo.epochs ? (
        <button type="button" className="secondary small" data-testid="dataset-keep-epochs" onClick={keepEpochs}>
          Keep {undo.epochs.from} epochs
        </button>
      ) : null}
      <button
        type="button"
        className="secondary small"
        data-testid="dataset-undo"
        onClick={restore}
        title="Edits made since the replacement are discarded"
      >
        Undo: restore the previous {undo.previous.length} examples
      </button>
    </div>
  );
}

function PlaygroundUndo() {
  const undo = usePlayground((s) => s.playgroundUndo);
  const restore = usePlayground((s) => s.undoPlaygroundReplace);
  if (!undo) return null;
  return (
    <div className="message info undo-bar" role="status" data-testid="playground-undo-bar">
      <span>The playground was replaced by {undo.what}.</span>
      <button type="button" className="secondary small" data-testid="playground-undo" onClick={restore}>
        Undo: bring back the previous playground
      </button>
    </div>
  );
}

export function DatasetStatus() {
  const dataset = usePlayground((s) => s.dataset);
  const linkNotice = usePlayground((s) => s.linkNotice);
  const restoreNotice = usePlayground((s) => s.restoreNotice);
  const dismissNotice = usePlayground((s) => s.dismissNotice);
  return (
    <>
      {linkNotice ? <NoticeBox notice={linkNotice} testId="link-notice" onDismiss={() => dismissNotice("linkNotice")} /> : null}
      {restoreNotice ? <NoticeBox notice={restoreNotice} testId="restore-notice" onDismiss={() => dismissNotice("restoreNotice")} /> : null}
      <PlaygroundUndo />
      {dataset.phase === "reading" ? <Reading {...dataset} /> : null}
      {dataset.phase === "preview" ? <DatasetPreview result={dataset.result} ms={dataset.ms} ignored={dataset.ignored} /> : null}
      {dataset.phase === "stopped" ? (
        <NoticeBox
          notice={{
            tone: dataset.tone,
            title: dataset.tone === "error" ? `${dataset.fileName} was not read` : "Cancelled",
            detail: dataset.message,
          }}
          testId="dataset-stopped"
          onDismiss={dismissDataset}
        />
      ) : null}
      <Undo />
    </>
  );
}
