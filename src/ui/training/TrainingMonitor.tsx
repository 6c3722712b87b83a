// What a run is watched by: the controls, the step metrics, the loss chart and the answers. On wide
// screens it is a sticky column beside the examples, so the tokens being trained and the curve they
// make are in view together; on narrower ones it follows the examples and a button keeps it one tap
// away. The model and settings stay in the training section below.
import { scrollToSection } from "../common/scrollToSection";
import { GenerationsPanel } from "./GenerationsPanel";
import { LossChart } from "./LossChart";
import { RunControls } from "./RunControls";
import "./training.css";

export function TrainingMonitor() {
  return (
    <aside id="monitor" className="monitor training-panels" aria-label="Training monitor" data-testid="training-monitor">
      <RunControls />
      <LossChart />
      <GenerationsPanel />
    </aside>
  );
}

/** Where the monitor is not beside the examples (narrow screens): a fixed button that jumps to it. */
export function MonitorJump() {
  return (
    <button type="button" className="monitor-jump" onClick={() => scrollToSection("monitor")} data-testid="monitor-jump">
      Training ↓
    </button>
  );
}
