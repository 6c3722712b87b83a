// The training part of the page: model and settings on the left; controls, live metrics, the loss
// chart, the answers and the runs table on the right. The bundled model is loaded (and the worker
// started, so the backend shows) as soon as the tokenizer is ready.
import { useEffect } from "react";
import { loadBundledModel } from "../../store/modelLoading";
import { usePlayground } from "../../store/playgroundStore";
import { ModelPicker } from "../model/ModelPicker";
import { RunsTable } from "../runs/RunsTable";
import { GenerationsPanel } from "./GenerationsPanel";
import { LossChart } from "./LossChart";
import { RunControls } from "./RunControls";
import { TrainingSettingsForm } from "./TrainingSettingsForm";
import "./training.css";

let bundledRequested = false;

export function TrainingSection() {
  const tokenizerReady = usePlayground((s) => s.tokenizer.version > 0);
  const active = usePlayground((s) => {
    const run = s.currentRunId ? s.runs[s.currentRunId] : undefined;
    return run?.status === "running" || run?.status === "paused" || run?.status === "starting";
  });
  useEffect(() => {
    if (!tokenizerReady || bundledRequested) return;
    bundledRequested = true;
    if (usePlayground.getState().model.kind === "bundled") void loadBundledModel();
  }, [tokenizerReady]);
  return (
    <section id="training" className="training-layout" aria-label="Training" data-testid="training">
      <div className="training-side">
        <ModelPicker />
        <TrainingSettingsForm disabled={active} />
      </div>
      <div className="training-main">
        <RunControls />
        <LossChart />
        <GenerationsPanel />
        <RunsTable />
      </div>
    </section>
  );
}
