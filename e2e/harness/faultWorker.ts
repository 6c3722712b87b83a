// The real training worker, plus faults only the fault harness sends, between two steps of a run:
// {fault: "device-lost"} destroys the WebGPU device (a GPU reset or driver crash), {fault: "nan"}
// turns every trainable weight into NaN (what a diverging run does, at once), {fault: "oom"} makes
// the wasm backend's next tensor allocation fail as Emscripten's does when memory cannot grow.
import * as tf from "@tensorflow/tfjs-core";
import "../../workers/training.worker";

const scope = self as unknown as { onmessage: ((e: MessageEvent) => void) | null };
const real = scope.onmessage;
scope.onmessage = (e) => {
  const fault = (e.data as { fault?: string } | null)?.fault;
  if (fault === "device-lost") return (tf.backend() as unknown as { device: { destroy(): void } }).device.destroy();
  if (fault === "nan") {
    for (const v of Object.values(tf.engine().registeredVariables)) if (v.trainable) v.assign(tf.fill(v.shape, Number.NaN));
    return;
  }
  if (fault === "oom") {
    const backend = tf.backend() as unknown as { makeOutput: (...args: unknown[]) => unknown };
    backend.makeOutput = () => {
      throw new Error(
        "Aborted(Cannot enlarge memory arrays to size 4294967296 bytes (OOM). Either (1) compile with -sINITIAL_MEMORY=X ...)",
      );
    };
    return;
  }
  real?.(e);
};
