// The training part of the page: model and settings on the left, the runs table on the right (the
// controls, metrics, chart and answers are the TrainingMonitor beside the examples). The bundled model is loaded (and the worker
// started, so the backend shows) as soon as the tokenizer is ready.
import { useEffect } from "react";
import { loadBundledModel } from "../../services/modelLoading";
import { usePlayground } from "../../store/playgroundStore";
import { inProgress } from "../../store/runRecord";
import { ChatPanel } from "../chat/ChatPanel";
import { ModelPicker } from "../model/ModelPicker";
import { NotebookReplay } from "../runs/NotebookReplay";
import { RunsTable } from "../runs/RunsTable";
import { TrainingSettingsForm } from "./TrainingSettingsForm";
import "./training.css";

let bundledRequested = false;

export function TrainingSection() {
  const tokenizerReady = usePlayground((s) => s.tokenizer.version > 0);
  const active = usePlayground((s) => {
    const run = s.currentRunId ? s.runs[s.currentRunId] : undefined;
    return run !== undefined && inProgress(run);
  });
  useEffect(() => {
    if (!tokenizerReady || bundledRequested) return;
    bundledRequested = true;
    if (usePlayground.getState().model.kind === "bundled") void loadBundledModel();
  }, [tokenizerReady]);
  return (
    <section id="training" className="training-layout training-panels" aria-label="Training" data-testid="training">
      <div className="training-side">
        <ModelPicker />
        <TrainingSettingsForm disabled={active} />
      </div>
      <div className="training-main">
        <NotebookReplay />
        <RunsTable />
        <ChatPanel />
      </div>
    </section>
  );
}
