// The page's side of the training worker: owns the Worker, posts typed ToWorker messages, and
// records every FromWorker message into the store the moment it arrives, so a worker that crashes
// or is closed loses nothing already reported (its runs become "interrupted").
import { type BackendName, type FromWorker, type ModelInfo, type ModelSpec, type ToWorker } from "../core/protocol";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import { usePlayground } from "./playgroundStore";
import { addGenerations, thinSteps, withStatus, type RunRecord } from "./runsSlice";

let worker: Worker | null = null;
let ready: Promise<void> | null = null;

/** Per run, not persisted: how to decode its generations (the tokenizer it was started with). */
const decoders = new Map<string, { tokenizer: PlaygroundTokenizer; stopIds: number[] }>();

type Waiter = { match: (msg: FromWorker) => boolean; resolve: (msg: FromWorker) => void; reject: (err: Error) => void };
let waiters: Waiter[] = [];

const store = () => usePlayground.getState();
const set = usePlayground.setState;

function post(msg: ToWorker, transfer: Transferable[] = []): void {
  if (!worker) throw new Error("The training worker is not running.");
  worker.postMessage(msg, transfer);
}

/** The next message that `match`es (rejected if the worker dies first). */
function waitFor<T extends FromWorker>(match: (msg: FromWorker) => msg is T): Promise<T> {
  return new Promise((resolve, reject) => {
    waiters.push({ match, resolve: (m) => match(m) && resolve(m), reject });
  });
}

function isRunning(run: RunRecord): boolean {
  return run.status === "running" || run.status === "paused" || run.status === "starting";
}

/** Starts the worker (if needed) and waits for its backend; `backends` in order of preference. */
export function ensureWorker(backends: readonly BackendName[] = store().backendOrder): Promise<void> {
  if (ready) return ready;
  const w = new Worker(new URL("../../workers/training.worker.ts", import.meta.url), { type: "module", name: "training" });
  worker = w;
  w.addEventListener("message", (e: MessageEvent<FromWorker>) => handle(e.data));
  w.addEventListener("error", (e) => workerDied(`The training worker crashed: ${e.message || "no message (it may have failed to load)"}.`));
  w.addEventListener("messageerror", () => workerDied("The training worker sent a message the page could not read."));
  set((s) => ({ engine: { ...s.engine, workerError: null } }));
  const backend = waitFor((m): m is Extract<FromWorker, { type: "backend" }> => m.type === "backend");
  post({ type: "init", backends: [...backends] });
  ready = backend.then(() => undefined);
  return ready;
}

/** Ends the worker; runs in progress are marked interrupted with `reason`. */
export function terminateWorker(reason: string): void {
  if (!worker) return;
  worker.terminate();
  workerDied(reason, false);
}

function workerDied(message: string, isError = true): void {
  worker?.terminate();
  worker = null;
  ready = null;
  const pending = waiters;
  waiters = [];
  pending.forEach((w) => w.reject(new Error(message)));
  const { runs, updateRun } = store();
  for (const run of Object.values(runs)) {
    if (isRunning(run)) {
      const step = run.steps.at(-1)?.step ?? 0;
      updateRun(run.id, (r) => ({ ...withStatus(r, "interrupted"), errors: [...r.errors, { step, kind: "worker", message, nextBackend: null }] }));
    }
    if (run.adapterInWorker) updateRun(run.id, () => ({ adapterInWorker: false }));
  }
  set((s) => ({ loadedModel: null, engine: { ...s.engine, workerError: isError ? message : null } }));
}

/** Loads `spec` into the worker unless the model under `key` is already there. */
export async function ensureModel(key: string, spec: ModelSpec): Promise<ModelInfo> {
  await ensureWorker();
  const loaded = store().loadedModel;
  if (loaded?.key === key) return loaded.info;
  const reply = waitFor((m): m is Extract<FromWorker, { type: "model-loaded" | "model-error" }> => m.type === "model-loaded" || m.type === "model-error");
  post({ type: "load-model", model: spec });
  const msg = await reply;
  if (msg.type === "model-error") throw new Error(msg.message);
  set({ loadedModel: { key, info: msg.info } });
  return msg.info;
}

export function registerRunDecoder(runId: string, tokenizer: PlaygroundTokenizer, stopIds: number[]): void {
  decoders.set(runId, { tokenizer, stopIds });
}

function decode(runId: string, ids: number[]): string {
  const d = decoders.get(runId);
  if (!d) return `[${ids.join(" ")}]`;
  const stop = ids.findIndex((id) => d.stopIds.includes(id));
  return d.tokenizer.decode(stop < 0 ? ids : ids.slice(0, stop));
}

export function sendRunCommand(type: "pause" | "resume" | "stop" | "delete-run", runId: string): void {
  if (worker) post({ type, runId });
}

export function postStart(msg: Extract<ToWorker, { type: "start" }>): void {
  post(msg);
}

let nextRequestId = 1;

/** predictions[t] = the model's guess for inputIds[t + 1]; runId null = the base model. */
export async function teacherForced(runId: string | null, inputIds: number[]): Promise<number[]> {
  await ensureWorker();
  const requestId = nextRequestId++;
  const reply = waitFor((m): m is Extract<FromWorker, { type: "teacher-forced" }> => m.type === "teacher-forced" && m.requestId === requestId);
  post({ type: "teacher-forced", requestId, runId, inputIds });
  return (await reply).predictions;
}

export async function exportAdapter(runId: string): Promise<{ configJson: string; safetensors: ArrayBuffer }> {
  const reply = waitFor((m): m is Extract<FromWorker, { type: "adapter" }> => m.type === "adapter" && m.runId === runId);
  post({ type: "export-adapter", runId });
  return reply;
}

function handle(msg: FromWorker): void {
  const { updateRun } = store();
  switch (msg.type) {
    case "backend":
      set({ engine: { backend: msg.backend, fallbacks: msg.fallbacks, adapter: msg.adapter, workerError: null } });
      break;
    case "model-loaded":
    case "model-error":
      break; // ensureModel's waiter records it
    case "run-started":
      updateRun(msg.runId, (r) => ({ ...withStatus(r, "running"), totalSteps: msg.totalSteps, trainableParameters: msg.trainableParameters }));
      break;
    case "step":
      updateRun(msg.runId, (r) => ({
        steps: thinSteps([...r.steps, msg.metrics]),
        totalSteps: msg.metrics.totalSteps,
        tokensTrained: r.tokensTrained + msg.metrics.tokens,
      }));
      break;
    case "generations":
      updateRun(msg.runId, (r) => ({ generations: addGenerations(r.generations, { step: msg.step, texts: msg.outputs.map((ids) => decode(msg.runId, ids)) }) }));
      break;
    case "run-state":
      updateRun(msg.runId, (r) => ({ ...withStatus(r, msg.state), adapterInWorker: true }));
      break;
    case "run-error":
      updateRun(msg.runId, (r) => ({
        ...withStatus(r, r.status === "stopped" || r.status === "finished" ? r.status : "failed"),
        errors: [...r.errors, { step: msg.step, kind: msg.kind, message: msg.message, nextBackend: msg.nextBackend }],
      }));
      break;
    case "teacher-forced":
    case "adapter":
      break; // answered through waiters below
    case "protocol-error": {
      // The worker refused a message: a run waiting to start will never start.
      for (const run of Object.values(store().runs)) {
        if (run.status === "starting") {
          updateRun(run.id, (r) => ({ ...withStatus(r, "failed"), errors: [...r.errors, { step: 0, kind: "other", message: msg.message, nextBackend: null }] }));
        }
      }
      set((s) => ({ engine: { ...s.engine, workerError: msg.message } }));
      break;
    }
    default: {
      const _: never = msg;
      return _;
    }
  }
  const hit = waiters.filter((w) => w.match(msg));
  if (hit.length) {
    waiters = waiters.filter((w) => !hit.includes(w));
    hit.forEach((w) => w.resolve(msg));
  }
}

/** Tests: feed a message as if the worker sent it. */
export const handleForTest = handle;
