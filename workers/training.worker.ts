// The training worker: wires postMessage to the engine's TrainingHandler. Everything else lives in
// src/engine/session so it can be tested in Node.
import type { FromWorker } from "../src/core/protocol";
import { describeAdapter, memoryLimits, setBackend } from "../src/engine/backend";
import { TrainingHandler } from "../src/engine/session/trainingHandler";
import "./wasm/wasmFiles";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (msg: FromWorker, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);
const handler = new TrainingHandler({
  post,
  setBackend,
  describeAdapter,
  memoryLimits,
  yieldToEvents: () => new Promise((resolve) => setTimeout(resolve, 0)),
});
// handle() never rejects: every failure is already an error reply or an event, so nothing is dropped here.
scope.onmessage = (event) => void handler.handle(event.data);
// A message that could not be deserialized has no readable id; the page hears it as a protocol error.
scope.onmessageerror = () =>
  post({ type: "protocol-error", message: "The training worker received a message it could not deserialize; reload the page." });
