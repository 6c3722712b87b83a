// A run's way out of the tab and back: "export ⤓" downloads it as a training project for transformers +
// PEFT, TRL and axolotl; "trainer log" (or dropping a trainer_state.json on the row) draws the loss that
// training logged over the run's own curve.
import { useState } from "react";
import { clearTrainerLog, exportRun, importTrainerState } from "../../services/exportActions";
import type { RunRecord } from "../../store/runRecord";
import { FilePicker } from "../common/FilePicker";
import { settle } from "../common/settle";
import { ModelExport } from "./ModelExport";

export function RunExport({ run, onError }: { run: RunRecord; onError: (message: string | null) => void }) {
  const [busy, setBusy] = useState(false);
  const done = run.status === "finished" || run.status === "stopped";
  return (
    <>
      {done ? (
        <button
          type="button"
          className="small secondary"
          disabled={busy}
          title="Download this run as a project for transformers + PEFT (1 GPU, 8 GPUs, Slurm), TRL and axolotl: the same labels, LoRA and schedule"
          data-testid="export-run"
          onClick={() => {
            setBusy(true);
            settle(
              exportRun(run.id).finally(() => setBusy(false)),
              onError,
            );
          }}
        >
          {busy ? "exporting…" : "export ⤓"}
        </button>
      ) : null}
      {done && (run.storedAdapter || run.adapterInWorker) ? <ModelExport run={run} onError={onError} /> : null}
      <FilePicker
        accept=".json,application/json"
        inputTestId="trainer-log-input"
        onFiles={(files) => settle(importTrainerState(run.id, files[0]), onError)}
        className="small secondary"
        title="Draw the loss an exported run logged (its trainer_state.json) over this run's curve; you can also drop the file on the row"
        data-testid="trainer-log"
      >
        trainer log
      </FilePicker>
      {run.trainerLog ? (
        <button
          type="button"
          className="small secondary"
          title={`Stop drawing ${run.trainerLog.source}`}
          aria-label={`Remove the trainer log of ${run.label}`}
          data-testid="trainer-log-clear"
          onClick={() => clearTrainerLog(run.id)}
        >
          × log
        </button>
      ) : null}
    </>
  );
}
