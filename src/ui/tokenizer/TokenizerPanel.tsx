// Where the tokenizer comes from: the bundled model's (loaded on start), a Hugging Face model id, or
// the two JSON files dropped or picked. A failed load keeps the current tokenizer.
import { useState } from "react";
import { BUNDLED_TOKENIZER } from "../../core/tokenizer/load";
import { usePlayground } from "../../store/playgroundStore";
import { FilePicker } from "../common/FilePicker";
import { useFileDrop } from "../common/useFileDrop";

export function TokenizerPanel() {
  const { loading, error, info } = usePlayground((s) => s.tokenizer);
  const loadHub = usePlayground((s) => s.loadHubTokenizer);
  const loadDropped = usePlayground((s) => s.loadDroppedTokenizer);
  const loadBundled = usePlayground((s) => s.loadBundledTokenizer);
  const [modelId, setModelId] = useState("");
  const busy = loading !== null;
  const drop = useFileDrop((files) => void loadDropped(files));

  return (
    <section className="panel" aria-labelledby="tokenizer-heading" data-testid="tokenizer-panel">
      <h2 id="tokenizer-heading">Tokenizer</h2>
      {loading ? (
        <p className="status loading" role="status" data-testid="tokenizer-progress">
          <span className="spinner" aria-hidden="true" /> Loading {loading}…
        </p>
      ) : info ? (
        <p className="status ok">
          Using <strong>{info.name}</strong>
          {info.hasChatTemplate ? " (has a chat template)" : " (no chat template)"}.
        </p>
      ) : null}
      {error ? (
        <div className="message error" role="alert" data-testid="tokenizer-error">
          <strong>Tokenizer not loaded.</strong> {error}
          {!info ? (
            <div>
              <button type="button" onClick={() => void loadBundled()}>
                Retry the bundled tokenizer
              </button>
            </div>
          ) : null}
        </div>
      ) : null}

      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (modelId.trim()) void loadHub(modelId);
        }}
      >
        <label className="grow">
          <span className="label-text">Hugging Face model id</span>
          <input
            data-testid="hub-model-id"
            placeholder="e.g. Qwen/Qwen3-0.6B"
            value={modelId}
            spellCheck={false}
            onChange={(e) => setModelId(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="hub-load" disabled={busy || modelId.trim() === ""}>
          Load
        </button>
      </form>
      <p className="hint">
        Downloads tokenizer.json and tokenizer_config.json from huggingface.co (needs the network; gated models need the files dropped
        instead).
      </p>

      <div className={`dropzone${drop.dragging ? " dragging" : ""}`} data-testid="tokenizer-dropzone" {...drop.handlers}>
        Drop <code>tokenizer.json</code> + <code>tokenizer_config.json</code> here, or{" "}
        <FilePicker
          accept=".json,application/json"
          multiple
          inputTestId="tokenizer-files"
          onFiles={(files) => void loadDropped(files)}
          className="link"
          disabled={busy}
        >
          pick the two files
        </FilePicker>
      </div>
      {info && info.name !== BUNDLED_TOKENIZER.name ? (
        <button type="button" className="link" disabled={busy} onClick={() => void loadBundled()}>
          Back to the bundled tokenizer
        </button>
      ) : null}
    </section>
  );
}
