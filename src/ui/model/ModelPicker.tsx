// Which model to fine-tune: the bundled default (offline, instant), a hub preset or any hub id (with a
// download progress bar), or a local model folder (picked or dropped). Hub base URL under Advanced.
import { useState } from "react";
import { formatMB } from "../../core/hub/errors";
import { HUB_MODEL_PRESETS } from "../../core/hub/presets";
import { loadBundledModel, loadDroppedModel, loadHubModel } from "../../services/modelLoading";
import { usePlayground } from "../../store/playgroundStore";
import { useFileDrop } from "../common/useFileDrop";

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function Progress() {
  const { phase, label, progress } = usePlayground((s) => s.modelLoad);
  if (phase === "idle") return null;
  if (phase === "loading" || !progress) {
    return (
      <p className="muted" data-testid="model-progress">
        {phase === "loading" ? `Loading ${label} into the engine…` : `Checking ${label} on the hub…`}
      </p>
    );
  }
  const fraction = progress.totalBytes > 0 ? progress.loadedBytes / progress.totalBytes : 0;
  return (
    <div data-testid="model-progress" className="model-progress">
      <progress max={1} value={fraction} aria-label={`Downloading ${label}`} />
      <span className="mono">
        {progress.file}: {formatMB(progress.loadedBytes)} of {formatMB(progress.totalBytes)}
        {progress.bytesPerSecond > 0 ? ` · ${formatMB(progress.bytesPerSecond)}/s` : ""}
        {progress.etaSeconds !== null ? ` · ${formatSeconds(progress.etaSeconds)} left` : ""}
      </span>
    </div>
  );
}

function ModelInfoLine() {
  const loaded = usePlayground((s) => s.loadedModel);
  if (!loaded) return null;
  const { info } = loaded;
  return (
    <p className="model-info" data-testid="model-info">
      <strong>{info.name}</strong> · {info.architecture} · {(info.parameters / 1e6).toFixed(info.parameters < 1e7 ? 2 : 0)}M parameters ·
      vocab {info.vocabSize.toLocaleString("en-US")}
    </p>
  );
}

function LoadError() {
  const error = usePlayground((s) => s.modelLoad.error);
  if (!error) return null;
  return (
    <div className="train-error" role="alert" data-testid="model-error" data-kind={error.kind}>
      <div>{error.message}</div>
      <div className="next-step">Next: {error.next}</div>
    </div>
  );
}

export function ModelPicker() {
  const model = usePlayground((s) => s.model);
  const dropped = usePlayground((s) => s.droppedModelName);
  const busy = usePlayground((s) => s.modelLoad.phase !== "idle");
  const hubBaseUrl = usePlayground((s) => s.hubBaseUrl);
  const setHubBaseUrl = usePlayground((s) => s.setHubBaseUrl);
  const [customId, setCustomId] = useState("");
  const drop = useFileDrop((files) => void loadDroppedModel(files));
  const selected = dropped ? `folder:${dropped}` : model.kind === "bundled" ? "bundled" : `hub:${model.id}`;

  return (
    <section className="panel model-picker" aria-label="Model" data-testid="model-picker">
      <h2>Model</h2>
      <label className="radio-row">
        <input
          type="radio"
          name="model"
          checked={selected === "bundled"}
          disabled={busy}
          onChange={() => void loadBundledModel()}
          data-testid="model-bundled"
        />
        <span>
          Bundled default{" "}
          <span className="muted">— tiny-translator: a 1.4M-parameter Llama pretrained on an English–Spanish dictionary, offline</span>
        </span>
      </label>
      {HUB_MODEL_PRESETS.map((p) => (
        <label key={p.modelId} className="radio-row" title={p.description}>
          <input
            type="radio"
            name="model"
            checked={selected === `hub:${p.modelId}`}
            disabled={busy}
            onChange={() => void loadHubModel(p.modelId)}
          />
          <span>
            <code>{p.modelId}</code> <span className="muted">≈{Math.round(p.approxDownloadBytes / 1e6)} MB</span>
          </span>
        </label>
      ))}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (customId.trim()) void loadHubModel(customId);
        }}
      >
        <input
          type="text"
          placeholder="owner/name on the hub"
          value={customId}
          onChange={(e) => setCustomId(e.target.value)}
          aria-label="Hub model id"
          data-testid="model-hub-id"
        />
        <button type="submit" className="secondary" disabled={busy || !customId.trim()} data-testid="model-hub-load">
          Load
        </button>
      </form>
      <div className={`drop-zone${drop.dragging ? " dragging" : ""}`} {...drop.handlers}>
        Drop a model folder here (config.json, tokenizer files, *.safetensors) or{" "}
        <label className="link-button">
          choose a folder
          <input
            type="file"
            hidden
            multiple
            // @ts-expect-error webkitdirectory is not in React's input attributes
            webkitdirectory=""
            onChange={(e) => e.target.files && void loadDroppedModel([...e.target.files])}
            data-testid="model-folder"
          />
        </label>
        {dropped ? <div className="muted">Using folder {dropped}</div> : null}
      </div>
      <Progress />
      <LoadError />
      <ModelInfoLine />
      <details className="advanced">
        <summary>Advanced</summary>
        <label className="field">
          <span>Hub base URL</span>
          <input type="url" value={hubBaseUrl} onChange={(e) => setHubBaseUrl(e.target.value)} data-testid="hub-base-url" />
        </label>
      </details>
    </section>
  );
}
