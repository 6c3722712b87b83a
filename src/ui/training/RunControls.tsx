// Start / Pause / Resume / Stop, the backend (and why it fell back), the current run's step metrics,
// and its errors with the step they happened at (and a retry on the next backend where that helps).
import { useState } from "react";
import { BACKENDS, type BackendFallback, type BackendName } from "../../core/protocol";
import { backendFallbackNextStep } from "../../services/backendAdvice";
import { loadBundledModelIfChosen } from "../../services/modelLoading";
import { usePlayground } from "../../store/playgroundStore";
import { terminateWorker } from "../../services/workerBridge";
import { inProgress, lastEvalLoss, type RunRecord } from "../../store/runRecord";
import { heldOutCount } from "../../core/evalSplit";
import { optimizerSteps } from "../../core/stepPlan";
import { continueTraining, pauseRun, resumeRun, retryOnBackend, startRun, stopRun } from "../../services/trainingActions";
import { readNumber } from "../../core/settings/fields";
import { TRAINING_FIELDS } from "../../core/settings/trainingSettings";
import { CheckpointLine } from "./CheckpointLine";
import { Options } from "../common/Options";

function BackendChoice() {
  const choice = usePlayground((s) => s.backendChoice);
  const choose = (value: string) => {
    usePlayground.getState().setBackendChoice(BACKENDS.find((b) => b === value) ?? "auto");
    terminateWorker("Restarted the worker on another backend.");
    void loadBundledModelIfChosen();
  };
  return (
    <select value={choice} onChange={(e) => choose(e.target.value)} aria-label="Backend" data-testid="backend-choice">
      <option value="auto">auto</option>
      <Options items={BACKENDS} label={(b) => `${b} first`} />
    </select>
  );
}

/** Backends passed over for the same reason (WebGPU and WebGL on one software GPU) say it once. */
function groupByReason(fallbacks: BackendFallback[]): Array<{ backends: BackendName[]; first: BackendFallback }> {
  const groups: Array<{ backends: BackendName[]; first: BackendFallback }> = [];
  for (const f of fallbacks) {
    const same = groups.find((g) => g.first.kind === f.kind && g.first.reason === f.reason);
    if (same) same.backends.push(f.backend);
    else groups.push({ backends: [f.backend], first: f });
  }
  return groups;
}

function BackendLine() {
  const { backend, fallbacks, adapter, workerError } = usePlayground((s) => s.engine);
  return (
    <div className="backend-line" data-testid="backend">
      <span className="fact-label">Backend</span> <strong data-testid="backend-name">{backend ?? "starting…"}</strong> <BackendChoice />
      {adapter ? (
        <span className="muted" data-testid="backend-adapter">
          {" "}
          on {adapter.description}
        </span>
      ) : null}
      {adapter?.software ? (
        <p className="hint" data-testid="software-adapter-note">
          This WebGPU adapter is software: it runs the GPU&apos;s work on the CPU, where the wasm backend is usually several times faster.
          To train faster here, choose &quot;auto&quot; beside the backend.
        </p>
      ) : null}
      {groupByReason(fallbacks).map(({ backends, first }) => (
        <span key={backends.join()} className="muted" data-testid="backend-fallback">
          {" "}
          · {backends.join(" and ")} not used: {first.reason.replace(/\.$/, "")}. {backendFallbackNextStep(first, backend)}
        </span>
      ))}
      {workerError ? (
        <div className="train-error" role="alert" data-testid="worker-error">
          {workerError} Start again to restart the worker; recorded runs are kept.
        </div>
      ) : null}
    </div>
  );
}

function fmt(n: number, digits = 4): string {
  if (!Number.isFinite(n)) return String(n);
  if (n !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e5)) return n.toExponential(2);
  return Number(n.toPrecision(digits)).toString();
}

/** A time ahead, as the ETA and the next run's estimate show it: seconds, minutes, then hours past 90 min. */
function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function Metrics({ run }: { run: RunRecord }) {
  const m = run.steps.at(-1);
  const total = m?.totalSteps ?? run.totalSteps;
  const step = m?.step ?? 0;
  const eta = m && total > step ? ((total - step) * m.msPerStep) / 1000 : null;
  const evaluated = lastEvalLoss(run);
  return (
    <dl className="metrics" data-testid="metrics">
      <div>
        <dt>step</dt>
        <dd data-testid="metric-step" data-step={step}>
          {step} / {total || "?"}
        </dd>
      </div>
      <div>
        <dt>loss</dt>
        <dd data-testid="metric-loss">{m ? fmt(m.loss) : "–"}</dd>
      </div>
      {evaluated === undefined ? null : (
        <div title="The held-out examples' loss at the last evaluation (eval split, every eval_steps).">
          <dt>eval loss</dt>
          <dd data-testid="metric-eval-loss">{fmt(evaluated)}</dd>
        </div>
      )}
      <div>
        <dt>lr</dt>
        <dd>{m ? fmt(m.learningRate, 3) : "–"}</dd>
      </div>
      <div>
        <dt>grad norm</dt>
        <dd>{m ? fmt(m.gradNorm, 3) : "–"}</dd>
      </div>
      <div title="Tokens the model reads per second (the forward and backward pass pay for these; padding excluded).">
        <dt>input tok/s</dt>
        <dd data-testid="metric-input-tps">{m ? fmt(m.inputTokensPerSecond, 3) : "–"}</dd>
      </div>
      <div title="Tokens the loss counts per second: the ones the fine-tune learns from (labels not -100).">
        <dt>trained tok/s</dt>
        <dd data-testid="metric-trained-tps">{m ? fmt(m.tokensPerSecond, 3) : "–"}</dd>
      </div>
      <div>
        <dt>ms/step</dt>
        <dd data-testid="metric-ms">{m ? Math.round(m.msPerStep) : "–"}</dd>
      </div>
      <div>
        <dt>epoch</dt>
        <dd>{m ? fmt(m.epoch, 3) : "–"}</dd>
      </div>
      <div>
        <dt>ETA</dt>
        <dd>{eta === null ? "–" : formatDuration(eta)}</dd>
      </div>
    </dl>
  );
}

function RunErrors({ run }: { run: RunRecord }) {
  if (run.errors.length === 0) return null;
  return (
    <div data-testid="run-errors">
      {run.errors.map((e, i) => (
        <div key={i} className="train-error" role="alert" data-kind={e.kind}>
          <strong>Step {e.step}:</strong> {e.message}
          {e.kind === "nan" ? " The run was stopped; its steps so far are kept. Lower the learning rate and start again." : null}
          {e.nextBackend && (e.kind === "device-lost" || e.kind === "out-of-memory") ? (
            <div>
              <button
                type="button"
                className="small"
                onClick={() => void retryOnBackend(run.id, e.nextBackend!)}
                data-testid="retry-backend"
              >
                Retry on {e.nextBackend}
              </button>
            </div>
          ) : null}
        </div>
      ))}
    </div>
  );
}

/** A finished or stopped run trains N more epochs on the same adapter and optimizer (the notebook's second trainer.train()). */
function ContinueRun({ run }: { run: RunRecord }) {
  const [text, setText] = useState("5");
  // After a reload the worker has no adapter: continueTraining restores the run's last checkpoint first.
  if (!(run.status === "finished" || run.status === "stopped") || !(run.adapterInWorker || run.checkpoint)) return null;
  const read = readNumber(TRAINING_FIELDS.epochs, text);
  return (
    <div className="row continue-run" data-testid="continue-run">
      <label className="check" title="Train more epochs on this run's adapter and optimizer state: the curve and the answers continue.">
        Train{" "}
        <input
          type="number"
          className="epochs-input"
          value={text}
          min={TRAINING_FIELDS.epochs.min}
          step="any"
          onChange={(e) => setText(e.target.value)}
          aria-invalid={!read.ok}
          data-testid="continue-epochs"
        />{" "}
        more epochs
      </label>
      <button
        type="button"
        className="secondary"
        disabled={!read.ok}
        onClick={() => read.ok && void continueTraining(run.id, read.value)}
        data-testid="continue-start"
      >
        Continue {run.label}
      </button>
      {read.ok ? null : <span className="field-error">epochs {read.message}</span>}
    </div>
  );
}

/**
 * Before a run: how many optimizer steps the settings make, and about how long they take at the
 * last run's pace on this model (its mean step time), so a 15,000-step run is seen before it starts.
 */
function StepPlan() {
  const training = usePlayground((s) => s.training);
  const all = usePlayground((s) => s.examples.length);
  // The eval split's examples are measured, not trained (core/evalSplit.ts); the worker refuses a split that leaves none.
  const held = Math.min(heldOutCount(all, training.evalSplit), all - 1);
  const examples = all - Math.max(0, held);
  const accumulation = training.gradientAccumulationSteps;
  const pace = usePlayground((s) => {
    const last = s.currentRunId ? s.runs[s.currentRunId] : undefined;
    const steps = last?.steps ?? [];
    return steps.length > 0 ? steps.reduce((ms, m) => ms + m.msPerStep, 0) / steps.length : null;
  });
  const steps = optimizerSteps(examples, training.batchSize, training.epochs, training.maxSteps, accumulation);
  // Packed rows are fewer than examples: the count is an upper bound then.
  const packed = training.packing !== "none";
  const plan =
    training.maxSteps > 0
      ? "max_steps"
      : `${training.epochs} epoch${training.epochs === 1 ? "" : "s"} × ${Math.ceil(examples / training.batchSize).toLocaleString("en-US")} batches of ${training.batchSize}` +
        (accumulation > 1 ? `, ${accumulation} batches a step` : "");
  const how = plan + (held > 0 ? `; ${held} example${held === 1 ? "" : "s"} held out for evaluation` : "");
  return (
    <p className="hint" data-testid="step-plan" data-steps={steps}>
      Next run: {packed ? "at most " : ""}
      <strong>{steps.toLocaleString("en-US")}</strong> optimizer steps ({how}
      {packed ? ", before packing" : ""})
      {pace !== null ? `, about ${formatDuration((steps * pace) / 1000)} at the last run's ${Math.round(pace)} ms a step` : ""}.
    </p>
  );
}

export function RunControls() {
  const run = usePlayground((s) => (s.currentRunId ? s.runs[s.currentRunId] : undefined));
  const startError = usePlayground((s) => s.startError);
  const modelBusy = usePlayground((s) => s.modelLoad.phase !== "idle");
  const active = run && inProgress(run);
  return (
    <section className="panel run-controls" aria-label="Training run">
      <div className="row">
        <button type="button" disabled={!!active || modelBusy} onClick={() => void startRun()} data-testid="train-start">
          Start training
        </button>
        {run?.status === "paused" ? (
          <button type="button" className="secondary" onClick={() => resumeRun(run.id)} data-testid="train-resume">
            Resume
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={run?.status !== "running"}
            onClick={() => run && pauseRun(run.id)}
            data-testid="train-pause"
          >
            Pause
          </button>
        )}
        <button type="button" className="secondary" disabled={!active} onClick={() => run && stopRun(run.id)} data-testid="train-stop">
          Stop
        </button>
        <span className="spacer" />
        {run ? (
          <span className="run-status" role="status" data-testid="run-status" data-status={run.status}>
            {run.label}: <strong>{run.status}</strong>
          </span>
        ) : null}
      </div>
      <BackendLine />
      {startError ? (
        <div className="train-error" role="alert" data-testid="start-error">
          {startError}
        </div>
      ) : null}
      {active ? null : <StepPlan />}
      {run ? (
        <>
          <CheckpointLine run={run} />
          <ContinueRun run={run} />
          <Metrics run={run} />
          <RunErrors run={run} />
        </>
      ) : (
        <p className="hint">Start training to fine-tune the model on the examples above with the current strategy.</p>
      )}
    </section>
  );
}
