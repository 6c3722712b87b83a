// Drives the real training worker with raw protocol messages, for e2e tests of the worker alone.
import type { FromWorker, ToWorker } from "../../src/core/protocol";

/** A fault the fault worker injects once `atStep` is reported (see faultWorker.ts). */
export interface InjectedFault {
  kind: "device-lost" | "nan" | "oom";
  atStep: number;
}

function drive(messages: ToWorker[], until: (m: FromWorker) => boolean, timeoutMs = 120_000, fault?: InjectedFault): Promise<FromWorker[]> {
  const worker =
    fault === undefined
      ? new Worker(new URL("../../workers/training.worker.ts", import.meta.url), { type: "module" })
      : new Worker(new URL("./faultWorker.ts", import.meta.url), { type: "module" });
  const seen: FromWorker[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error(`timed out; got ${seen.map((m) => m.type).join(",")}`));
    }, timeoutMs);
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      seen.push(e.data);
      if (fault && e.data.type === "step" && e.data.metrics.step === fault.atStep) worker.postMessage({ fault: fault.kind });
      if (until(e.data)) {
        clearTimeout(timer);
        worker.terminate();
        resolve(seen);
      }
    };
    messages.forEach((request, i) => worker.postMessage({ id: i + 1, request }));
  });
}

declare global {
  interface Window {
    driveWorker: typeof drive;
  }
}
window.driveWorker = drive;
document.body.dataset.ready = "true";
