// "merged ⤓" and "GGUF ⤓" on a finished run: the model with the run's adapter merged in, as a Hugging
// Face folder (zip) or a GGUF for llama.cpp and Ollama (store/modelExport.ts), with progress and cancel.
import { useRef, useState } from "react";
import { GGUF_OUT_TYPES, type GgufOutType } from "../../core/export/gguf/quantise";
import { MODEL_EXPORT_FORMATS, type ModelExportFormat } from "../../core/export/modelExportProtocol";
import { exportModel } from "../../services/modelExport";
import type { RunRecord } from "../../store/runRecord";
import { Options } from "../common/Options";

const LABEL: Record<ModelExportFormat, string> = { merged: "merged ⤓", gguf: "GGUF ⤓" };
const TITLE: Record<ModelExportFormat, string> = {
  merged: "Download the base model with this run's adapter merged in: a Hugging Face folder (zip) that transformers loads without PEFT",
  gguf: "Download the merged model as GGUF for llama.cpp and Ollama (with an Ollama Modelfile); pick the type beside it",
};

export function ModelExport({ run, onError }: { run: RunRecord; onError: (message: string | null) => void }) {
  const [active, setActive] = useState<{ format: ModelExportFormat; progress: number } | null>(null);
  const [ggufType, setGgufType] = useState<GgufOutType>("q8_0");
  const abort = useRef<AbortController | null>(null);
  const start = (format: ModelExportFormat) => {
    const controller = new AbortController();
    abort.current = controller;
    setActive({ format, progress: 0 });
    exportModel(run.id, format, { ggufType, signal: controller.signal, onProgress: (progress) => setActive({ format, progress }) })
      .then(
        () => onError(null),
        (e: Error) => onError(e.name === "AbortError" ? null : e.message),
      )
      .finally(() => setActive(null));
  };
  if (active)
    return (
      <span className="model-export" data-testid="model-export-progress" data-format={active.format}>
        <progress max={1} value={active.progress} aria-label={`Writing the ${active.format} model`} /> {Math.round(active.progress * 100)}%
        <button type="button" className="small secondary" data-testid="model-export-cancel" onClick={() => abort.current?.abort()}>
          cancel
        </button>
      </span>
    );
  return (
    <>
      {MODEL_EXPORT_FORMATS.map((format) => (
        <button
          key={format}
          type="button"
          className="small secondary"
          title={TITLE[format]}
          data-testid={`export-${format}`}
          onClick={() => start(format)}
        >
          {LABEL[format]}
        </button>
      ))}
      <select aria-label="GGUF type" value={ggufType} data-testid="gguf-type" onChange={(e) => setGgufType(e.target.value as GgufOutType)}>
        <Options items={GGUF_OUT_TYPES} />
      </select>
    </>
  );
}
