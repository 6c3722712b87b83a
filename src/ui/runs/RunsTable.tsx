// All runs side by side, as the notebook compared its trainings: wall time (train_runtime) against a
// chosen baseline ("13% faster"), final loss, tokens trained; overlay curves, delete, download the
// PEFT adapter of a finished run (kept in the browser with the run), download the run as a file,
// export it for an existing trainer and overlay that trainer's log.
import { useState } from "react";
import { formatBytes } from "../../core/dataset/bytes";
import { describeChoice } from "../../core/trainers/trainerView";
import { usePlayground } from "../../store/playgroundStore";
import { inProgress, lastEvalLoss, RUN_LIMITS, runWallMs, type RunRecord } from "../../store/runRecord";
import { downloadRunFile } from "../../services/runFiles";
import { deleteRun, downloadAdapter } from "../../services/trainingActions";
import { importTrainerState } from "../../services/exportActions";
import { RunExport } from "./RunExport";
import { RunsStorage, storedBytes } from "./RunsStorage";
import { settle } from "../common/settle";
import { hasFiles, useFileDrop } from "../common/useFileDrop";
import "../training/training.css";

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * The notebook's 100 * (baseline - run) / baseline, as "13% faster" or "5% slower". Runs that
 * took a different number of steps (one was stopped early) are compared per step, and say so.
 */
export function timeVsBaseline(runMs: number, runSteps: number, baselineMs: number, baselineSteps: number): string {
  if (baselineMs <= 0 || runSteps <= 0 || baselineSteps <= 0) return "–";
  const perStep = runSteps !== baselineSteps;
  const run = perStep ? runMs / runSteps : runMs;
  const base = perStep ? baselineMs / baselineSteps : baselineMs;
  const pct = Math.round((100 * (base - run)) / base);
  const suffix = perStep ? " per step" : "";
  if (pct === 0) return `same time${suffix}`;
  return pct > 0 ? `${pct}% faster${suffix}` : `${-pct}% slower${suffix}`;
}

/** A loss to 4 decimals; "–" where there is none (no step yet; for the eval loss, no eval split). */
function formatLoss(loss: number | undefined): string {
  return loss === undefined ? "–" : Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}

function AdapterButton({ run }: { run: RunRecord }) {
  const [error, setError] = useState<string | null>(null);
  const done = run.status === "finished" || run.status === "stopped";
  // A run cut off by a reload keeps the adapter saved when it last paused.
  const partial = !done && !inProgress(run) && run.storedAdapter !== undefined;
  if (!done && !partial) return null;
  if (!run.adapterInWorker && !run.storedAdapter)
    return (
      <span className="muted" title="The worker lost this run's adapter (a reload or a restart) before the browser could keep it.">
        adapter gone
      </span>
    );
  const step = run.storedAdapter?.step;
  return (
    <>
      <button
        type="button"
        className="small secondary"
        onClick={() => settle(downloadAdapter(run.id), setError)}
        data-testid="download-adapter"
        title={
          partial
            ? `The adapter as it was at step ${step}, when the run last paused: PEFT's adapter_config.json and adapter_model.safetensors`
            : "PEFT's adapter_config.json and adapter_model.safetensors"
        }
      >
        {partial ? `adapter ⤓ (step ${step})` : "adapter ⤓"}
      </button>
      {error ? <span className="error-text">{error}</span> : null}
    </>
  );
}

interface RunRowProps {
  run: RunRecord;
  bytes: number;
  current: boolean;
  overlaid: boolean;
  isBaseline: boolean;
  baseline: { ms: number; steps: number } | null;
}

function RunRow({ run, bytes, current, overlaid, isBaseline, baseline }: RunRowProps) {
  const { toggleOverlay, setBaseline, setCurrentRun } = usePlayground.getState();
  const [error, setError] = useState<string | null>(null);
  // A trainer_state.json dropped on the row (and kept from the page-wide dataset drop).
  const drop = useFileDrop(([file]) => file && settle(importTrainerState(run.id, file), setError), hasFiles);
  const id = run.id;
  const ms = runWallMs(run);
  const step = run.steps.at(-1)?.step ?? 0;
  const rowClass = [current ? "current" : "", drop.dragging ? "drop-target" : ""].filter(Boolean).join(" ");
  return (
    <>
      <tr data-testid="run-row" data-run-id={id} data-status={run.status} className={rowClass || undefined} {...drop.handlers}>
        <td>
          <input
            type="checkbox"
            checked={overlaid || current}
            disabled={current}
            onChange={() => toggleOverlay(id)}
            aria-label={`Overlay ${run.label}`}
          />
        </td>
        <td>
          <input
            type="radio"
            name="baseline"
            checked={isBaseline}
            onChange={() => setBaseline(id)}
            aria-label={`Baseline ${run.label}`}
            data-testid="baseline-radio"
          />
        </td>
        <td>
          <button
            type="button"
            className="link-button nowrap"
            onClick={() => setCurrentRun(id)}
            title="Show this run above"
            aria-current={current ? "true" : undefined}
            data-testid="open-run"
          >
            {run.label}
          </button>
          <div
            className="muted nowrap"
            data-testid="run-stored"
            data-bytes={bytes}
            title={`In this browser's storage: ${run.storedAdapter ? `the record and the adapter (step ${run.storedAdapter.step})` : "the record; no adapter kept"}`}
          >
            {formatBytes(bytes)}
          </div>
        </td>
        <td className="model" title={`${run.modelName} on ${run.backend ?? "?"}`}>
          {run.modelName}
          <div className="muted">{run.backend ?? "–"}</div>
        </td>
        {/* A run trained under a preset names the tool: its labels were the tool's, not the strategy's. */}
        <td data-testid="run-labels">{run.trainer ? describeChoice(run.trainer) : run.strategy}</td>
        <td data-testid="run-state">{run.status}</td>
        <td className="num" data-testid="run-time" data-ms={Math.round(ms)}>
          {seconds(ms)}
        </td>
        <td className="num">
          {step}/{run.totalSteps || "?"}
        </td>
        <td className="num">{run.tokensTrained.toLocaleString("en-US")}</td>
        <td className="num">{formatLoss(run.steps.at(-1)?.loss)}</td>
        <td className="num" data-testid="run-eval-loss">
          {formatLoss(lastEvalLoss(run))}
        </td>
        <td className="num" data-testid="run-vs-baseline">
          {isBaseline ? "baseline" : baseline ? timeVsBaseline(ms, step, baseline.ms, baseline.steps) : "–"}
        </td>
        <td className="actions">
          <div className="run-actions">
            <AdapterButton run={run} />
            <RunExport run={run} onError={setError} />
            {inProgress(run) ? null : (
              <button
                type="button"
                className="small secondary"
                title="Download this run (settings, curve, answers and adapter) as a .zip that “import runs” brings back, here or in another browser"
                data-testid="download-run"
                onClick={() => settle(downloadRunFile([id]), setError)}
              >
                file ⤓
              </button>
            )}
            <button
              type="button"
              className="small danger secondary"
              onClick={() => deleteRun(id)}
              aria-label={`Delete ${run.label}`}
              data-testid="delete-run"
            >
              delete
            </button>
          </div>
        </td>
      </tr>
      {error ? (
        <tr className="run-error-row">
          <td colSpan={12} className="error-text" role="alert" data-testid="run-export-error">
            {error}
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function RunsTable() {
  const runs = usePlayground((s) => s.runs);
  const order = usePlayground((s) => s.runOrder);
  const overlay = usePlayground((s) => s.overlay);
  const baselineId = usePlayground((s) => s.baselineRunId);
  const currentId = usePlayground((s) => s.currentRunId);
  const recordBytes = usePlayground((s) => s.runsStorage.recordBytes);
  const baselineRun = baselineId ? runs[baselineId] : undefined;
  const baseline = baselineRun ? { ms: runWallMs(baselineRun), steps: baselineRun.steps.at(-1)?.step ?? 0 } : null;
  return (
    <section id="runs" className="panel runs" aria-label="Runs">
      <h2>Runs</h2>
      <p className="hint">
        Kept in this browser with their adapters (the latest {RUN_LIMITS.maxRuns}) until deleted, also across a reload or a crash. Time is
        wall-clock training time, pauses excluded; compare runs with the same number of steps. <strong>export</strong> downloads a run as a
        project for transformers + PEFT (1 GPU, 8 GPUs, Slurm), TRL and axolotl; drop its <code>trainer_state.json</code> on the run's row
        to draw that loss over the run's curve.
      </p>
      <RunsStorage />
      {order.length === 0 ? null : (
        <div className="table-scroll">
          <table className="runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th title="Overlay in the loss chart">chart</th>
                <th title="Baseline for the time comparison">baseline</th>
                <th>run</th>
                <th>model</th>
                <th>strategy</th>
                <th>state</th>
                <th>time</th>
                <th>steps</th>
                <th>tokens</th>
                <th>final loss</th>
                <th title="The eval loss at the run's last evaluation (set an eval split to hold examples out)">eval loss</th>
                <th>vs baseline</th>
                <th>actions</th>
              </tr>
            </thead>
            <tbody>
              {order.map((id) => (
                <RunRow
                  key={id}
                  run={runs[id]}
                  bytes={storedBytes(runs[id], recordBytes)}
                  current={id === currentId}
                  overlaid={overlay.includes(id)}
                  isBaseline={id === baselineId}
                  baseline={baseline}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
