// What a checkpoint costs (issue 26): its bytes, the worker's time to take it (the adapter and AdamW's
// two moments read out and serialised: engine/checkpoint.ts), the time to write its folder as
// `train --save-steps` does, and to read and restore it. The page writes the same bytes to IndexedDB
// (its own write time is shown on the run, not measurable in Node). The Trainer takes no step: the
// moments are zeros, and their size, which is what is measured, is the same as after any step.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeCheckpointDir } from "../src/cli/checkpointDir";
import type { Engine } from "../src/cli/engineArgs";
import { NOTEBOOK_TRAINING } from "../src/core/settings/trainingSettings";
import type { Workload } from "./engine";

export interface CheckpointRow {
  model: string;
  parameters: number;
  bytes: number;
  takeMs: number;
  writeMs: number;
  restoreMs: number;
}

export async function checkpointBench(engine: Engine, work: Workload): Promise<CheckpointRow> {
  const model = await work.build();
  const lora = engine.createLora(model, work.lora, 1);
  const trainer = new engine.Trainer(model, lora, work.examples, work.args);
  const dir = mkdtempSync(path.join(tmpdir(), "bench-checkpoint-"));
  try {
    let t = performance.now();
    const files = await engine.checkpointFiles(model, lora, trainer, [], NOTEBOOK_TRAINING);
    const takeMs = performance.now() - t;
    t = performance.now();
    writeCheckpointDir(dir, 0, files, 1);
    const writeMs = performance.now() - t;
    t = performance.now();
    const parsed = engine.parseCheckpoint(model, lora, files, "bench");
    engine.restoreCheckpoint(model, lora, trainer, parsed, "bench");
    const restoreMs = performance.now() - t;
    const parameters = engine.trainableVariables(lora).reduce((n, v) => n + v.size, 0);
    const bytes = Object.values(files).reduce((n, f) => n + f.byteLength, 0);
    return { model: work.model, parameters, bytes, takeMs, writeMs, restoreMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    trainer.dispose();
    engine.disposeLora(lora);
    engine.disposeModel(model);
  }
}
