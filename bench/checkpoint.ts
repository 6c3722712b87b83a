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
import { timed, type Row, type Workload } from "./engine";

/** The checkpoint's size and its times to take, write and restore, as `npm run bench` rows on `backend`. */
export async function checkpointBench(engine: Engine, work: Workload, backend: string): Promise<Row[]> {
  const model = await work.build();
  const lora = engine.createLora(model, work.lora, 1);
  const trainer = new engine.Trainer(model, lora, work.examples, work.args);
  const dir = mkdtempSync(path.join(tmpdir(), "bench-checkpoint-"));
  try {
    const t = performance.now();
    const files = await engine.checkpointFiles(model, lora, trainer, [], NOTEBOOK_TRAINING);
    const takeMs = performance.now() - t;
    const write = timed(() => writeCheckpointDir(dir, 0, files, 1));
    const restore = timed(() => {
      const parsed = engine.parseCheckpoint(model, lora, files, "bench");
      engine.restoreCheckpoint(model, lora, trainer, parsed, "bench");
    });
    const parameters = engine.trainableParameterCount(lora);
    const mb = Object.values(files).reduce((n, f) => n + f.byteLength, 0) / 1e6;
    const what = `${work.model} checkpoint, ${(parameters / 1e6).toFixed(2)}M LoRA parameters`;
    return [
      { backend, what: `${what}: size`, value: mb, unit: "MB", note: "adapter + AdamW exp_avg, exp_avg_sq + JSON" },
      { backend, what: `${what}: take`, value: takeMs, unit: "ms", note: `tensors read and serialised (${mb.toFixed(1)} MB)` },
      { backend, what: `${what}: write`, value: write.ms, unit: "ms", note: "checkpoint-STEP folder written whole (tmp + rename)" },
      { backend, what: `${what}: restore`, value: restore.ms, unit: "ms", note: "parsed, checked, adapter and moments restored" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    trainer.dispose();
    engine.disposeLora(lora);
    engine.disposeModel(model);
  }
}
