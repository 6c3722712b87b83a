// The current run's newest checkpoint (issue 26): its step, size and cost, and "Resume from step N"
// for a run the worker no longer holds (interrupted by a reload, a crash or a closed tab, failed on a
// lost device, or paused before a reload).
import { formatBytes } from "../../core/dataset/bytes";
import { resumeFromCheckpoint } from "../../services/trainingActions";
import type { RunRecord } from "../../store/runRecord";

/** A run that stopped short of its plan and whose training state is only in its checkpoint. */
const resumable = (run: RunRecord) =>
  run.checkpoint !== undefined &&
  !run.adapterInWorker &&
  run.checkpoint.step < run.totalSteps &&
  (run.status === "interrupted" || run.status === "failed");

export function CheckpointLine({ run }: { run: RunRecord }) {
  const c = run.checkpoint;
  if (!c) return null;
  return (
    <div className="row checkpoint-line" data-testid="checkpoint-line" data-step={c.step}>
      <span
        className="hint"
        title={`Adapter, AdamW's moments, the schedule, the data order and the random state, kept in this browser (the newest ${run.settings.saveTotalLimit}).`}
      >
        Checkpoint at step <strong>{c.step}</strong> · {formatBytes(c.bytes)} · taken in {Math.round(c.takeMs)} ms, written in{" "}
        {Math.round(c.writeMs)} ms
      </span>
      {resumable(run) ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void resumeFromCheckpoint(run.id)}
          title={`Continues on the current backend with the same batches and dropout masks; the steps after ${c.step} are trained again.`}
          data-testid="resume-checkpoint"
        >
          Resume from step {c.step}
        </button>
      ) : null}
    </div>
  );
}
