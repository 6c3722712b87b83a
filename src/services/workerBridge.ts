// The page's side of the training worker: owns the Worker, posts each request in the envelope
// (`{ id, request }`) and settles one promise per id with the worker's reply or error, and records
// every event into the store the moment it arrives, so a worker that crashes or is closed loses
// nothing already reported (its runs become "interrupted") and leaves no call waiting.
import {
  backendPlan,
  parseFromWorker,
  type BackendChoice,
  type ModelInfo,
  type ModelSpec,
  type ResultFor,
  type ToWorker,
  type ToWorkerSent,
  type WorkerResult,
} from "../core/protocol";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import { decodeAnswer } from "../core/chat/chatPrompt";
import { errorMessage } from "../core/workerEnvelope";
import { PendingCalls, WorkerStoppedError } from "./pendingCalls";
import { NO_BACKEND_NEXT_STEP } from "./backendAdvice";
import { workerFailed, workerModelChanged, workerReady, workerStarting, workerStopped } from "../store/actions";
import { store } from "../store/playgroundStore";
import { addGenerations, inProgress, thinSteps, withStatus, type RunError } from "../store/runRecord";
import { keepCheckpoint } from "./runCheckpoints";

let worker: Worker | null = null;
let ready: Promise<void> | null = null;
const calls = new PendingCalls<WorkerResult>();

/** Per run, not persisted: how to decode its generations (the tokenizer it was started with). */
const decoders = new Map<string, { tokenizer: PlaygroundTokenizer; stopIds: number[] }>();

/** Per chat generation in flight: who hears its tokens as they stream in. */
const tokenListeners = new Map<string, (token: number) => void>();
/** Runs whose kept adapter the worker holds (load-adapter): lost with the worker or its model. */
const loadedAdapters = new Set<string>();

/** What each request is, in the words of an error that says which one went unanswered. */
const WHAT: Record<ToWorker["type"], string> = {
  init: "its start-up",
  "load-model": "the model load",
  start: "the run's start",
  pause: "a pause",
  resume: "a resume",
  stop: "a stop",
  continue: "training more epochs",
  "teacher-forced": "the teacher-forced view",
  "export-adapter": "the adapter export",
  "delete-run": "a run's deletion",
  generate: "a chat answer",
  "stop-generation": "stopping a chat answer",
  "load-adapter": "loading a run's kept adapter",
};

function isResultFor<T extends ToWorker["type"]>(result: WorkerResult, type: T): result is ResultFor<T> {
  return result.type === type;
}

/** Posts `request`; resolves with its result, rejects with the worker's message or when the worker stops. */
async function call<R extends ToWorkerSent>(request: R, transfer: Transferable[] = []): Promise<ResultFor<R["type"]>> {
  const what = WHAT[request.type];
  if (!worker) throw new Error(`The training worker is not running, so ${what} was not sent; start again to restart it.`);
  const unsent = (why: string) => `The page could not send ${what} to the training worker: ${why}. Reload the page and try again.`;
  const { answered } = calls.send(worker, request, what, unsent, transfer);
  const result = await answered;
  if (isResultFor<R["type"]>(result, request.type)) return result;
  throw new Error(
    `The training worker answered ${what} with another request's result; the page and the worker disagree, so reload the page.`,
  );
}

/** Starts the worker (if needed) and waits for its backend, as `choice` asks (see BackendChoice). */
export function ensureWorker(choice: BackendChoice = store().backendChoice): Promise<void> {
  if (ready) return ready;
  const w = new Worker(new URL("../../workers/training.worker.ts", import.meta.url), { type: "module", name: "training" });
  worker = w;
  w.addEventListener("message", (e: MessageEvent<unknown>) => receive(e.data));
  // A worker's uncaught error, or one that failed to load: nothing it was asked will be answered.
  w.addEventListener("error", (e) => workerDied(`The training worker crashed: ${e.message || "no message (it may have failed to load)"}.`));
  // The page cannot tell which call an unreadable message answered, so every call is given up.
  w.addEventListener("messageerror", () => workerDied("The training worker sent a message the page could not read."));
  workerStarting();
  ready = call({ type: "init", ...backendPlan(choice) }).then(
    () => undefined,
    (err: Error) => {
      // The engine says which backends failed and why; the page's next step is its own.
      throw err instanceof WorkerStoppedError ? err : new Error(`${err.message} ${NO_BACKEND_NEXT_STEP}`);
    },
  );
  return ready;
}

/** Ends the worker; runs in progress are marked interrupted with `reason`, waiting calls rejected. */
export function terminateWorker(reason: string): void {
  if (!worker) return;
  workerDied(reason, false);
}

function workerDied(message: string, isError = true): void {
  worker?.terminate();
  worker = null;
  ready = null;
  calls.failAll(
    message,
    (what) => `${message} The training worker stopped before answering ${what}: start again to restart it, or reload the page.`,
  );
  const { runs, updateRun } = store();
  for (const run of Object.values(runs)) {
    if (inProgress(run)) {
      const step = run.steps.at(-1)?.step ?? 0;
      updateRun(run.id, (r) => ({
        ...withStatus(r, "interrupted"),
        errors: [...r.errors, { step, kind: "worker", message, nextBackend: null }],
      }));
    }
    if (run.adapterInWorker) updateRun(run.id, () => ({ adapterInWorker: false }));
  }
  loadedAdapters.clear();
  workerStopped(isError ? message : null);
}

/** Loads `spec` into the worker unless the model under `key` is already there. */
export async function ensureModel(key: string, spec: ModelSpec): Promise<ModelInfo> {
  await ensureWorker();
  const loaded = store().loadedModel;
  if (loaded?.key === key) return loaded.info;
  // The worker drops its model and every run's adapter before loading, whether or not the load works.
  workerModelChanged(null);
  const { runs, updateRun } = store();
  for (const run of Object.values(runs)) if (run.adapterInWorker) updateRun(run.id, () => ({ adapterInWorker: false }));
  loadedAdapters.clear();
  const { info } = await call({ type: "load-model", model: spec });
  workerModelChanged({ key, info });
  return info;
}

/** A run's error, recorded like the worker's run-error: the run fails unless it already ended. */
function recordRunError(runId: string, error: RunError): void {
  store().updateRun(runId, (r) => ({
    ...withStatus(r, r.status === "stopped" || r.status === "finished" ? r.status : "failed"),
    errors: [...r.errors, error],
  }));
}

/** A run command's refusal is recorded on the run; a stopped worker has already marked it interrupted. */
function recordRefusal(runId: string): (err: unknown) => void {
  return (err) => {
    if (err instanceof WorkerStoppedError) return;
    recordRunError(runId, {
      step: store().runs[runId]?.steps.at(-1)?.step ?? 0,
      kind: "other",
      message: errorMessage(err),
      nextBackend: null,
    });
  };
}

export function sendRunCommand(type: "pause" | "resume" | "stop" | "delete-run", runId: string): void {
  if (worker) call({ type, runId }).catch(recordRefusal(runId));
}

/**
 * Starts a run, or restores one from a checkpoint (`msg.resumeFrom`): its flat examples (a
 * 52,000-example list's are ~60 MB) and the checkpoint's buffers are handed over, not copied. The
 * run is "running" (or "stopped", restored without training) once the worker accepts it; resolves
 * then, rejects with the worker's reason, which is also recorded on the run ("failed"). The run's
 * generations are decoded with `tokenizer`, the one it is started with.
 */
export async function postStart(msg: Extract<ToWorkerSent, { type: "start" }>, tokenizer: PlaygroundTokenizer): Promise<void> {
  decoders.set(msg.runId, { tokenizer, stopIds: msg.stopIds });
  const flat = "offsets" in msg.examples ? [msg.examples.inputIds.buffer, msg.examples.labels.buffer, msg.examples.offsets.buffer] : [];
  try {
    const r = await call(msg, [...flat, ...(msg.resumeFrom ? Object.values(msg.resumeFrom.files) : [])]);
    store().updateRun(r.runId, (run) => ({
      // The reply settles a few microtasks after it arrives; an event that came right behind it wins.
      ...(run.status === "starting" ? withStatus(run, msg.resumeFrom?.train === false ? "stopped" : "running") : {}),
      totalSteps: r.totalSteps,
      trainableParameters: r.trainableParameters,
      adapterInWorker: true,
    }));
  } catch (err) {
    recordRefusal(msg.runId)(err);
    throw err;
  }
}

/**
 * A finished or stopped run trains `epochs` more on its adapter and optimizer state; its plan grows
 * to the new total. Rejects with the worker's reason (e.g. the worker restarted and lost the run).
 */
export async function continueRun(runId: string, epochs: number): Promise<void> {
  const r = await call({ type: "continue", runId, epochs });
  store().updateRun(runId, (run) => ({ ...withStatus(run, "running"), totalSteps: r.totalSteps }));
}

/** predictions[t] = the model's guess for inputIds[t + 1]; runId null = the base model. */
export async function teacherForced(runId: string | null, inputIds: number[]): Promise<number[]> {
  await ensureWorker();
  return (await call({ type: "teacher-forced", runId, inputIds })).predictions;
}

export async function exportAdapter(runId: string): Promise<{ configJson: string; safetensors: ArrayBuffer }> {
  const { configJson, safetensors } = await call({ type: "export-adapter", runId });
  return { configJson, safetensors };
}

/** A chat answer (the base model when runId is null); `onToken` hears each token as the worker picks it. */
export async function generate(
  request: Omit<Extract<ToWorker, { type: "generate" }>, "type">,
  onToken: (token: number) => void,
): Promise<ResultFor<"generate">> {
  tokenListeners.set(request.generationId, onToken);
  try {
    return await call({ type: "generate", ...request });
  } finally {
    tokenListeners.delete(request.generationId);
  }
}

/** Ends a chat answer after its current token; its generate call then resolves with finish "stopped". */
export function stopGeneration(generationId: string): void {
  // A refusal needs no word: the answer's own call settles either way (or fails with the worker).
  if (worker) call({ type: "stop-generation", generationId }).catch(() => undefined);
}

/** Whether the worker holds run `runId`'s adapter: the live run's, or a kept one loaded into it. */
export function workerHasAdapter(runId: string): boolean {
  return store().runs[runId]?.adapterInWorker === true || loadedAdapters.has(runId);
}

/** Gives the worker a run's kept adapter (after a reload, the worker has none), to chat with. */
export async function loadAdapter(runId: string, files: { configJson: string; safetensors: ArrayBuffer }): Promise<void> {
  // A copy goes over: the kept bytes stay with the page (transferring would empty them).
  await call({ type: "load-adapter", runId, configJson: files.configJson, safetensors: files.safetensors.slice(0) });
  loadedAdapters.add(runId);
}

/** Every message from the worker: validated, then an answer settles its call and an event is recorded. */
function receive(data: unknown): void {
  const parsed = parseFromWorker(data);
  if (!parsed.ok) {
    // An unreadable answer still settles its call; anything else is reported like a refused message.
    if (parsed.id === null || !calls.fail(parsed.id, parsed.message)) workerFailed(parsed.message);
    return;
  }
  const msg = parsed.value;
  const { updateRun } = store();
  switch (msg.type) {
    case "reply":
    case "error":
      calls.settle(msg);
      return;
    case "backend":
      workerReady({ backend: msg.backend, fallbacks: msg.fallbacks, adapter: msg.adapter });
      return;
    case "step":
      updateRun(msg.runId, (r) => ({
        steps: thinSteps([...r.steps, msg.metrics]),
        totalSteps: msg.metrics.totalSteps,
        tokensTrained: r.tokensTrained + msg.metrics.tokens,
      }));
      return;
    case "generated-token":
      tokenListeners.get(msg.generationId)?.(msg.token);
      return;
    case "generations": {
      const d = decoders.get(msg.runId);
      updateRun(msg.runId, (r) => ({
        generations: addGenerations(r.generations, {
          step: msg.step,
          texts: msg.outputs.map((ids) => (d ? decodeAnswer(d.tokenizer, ids, d.stopIds) : `[${ids.join(" ")}]`)),
          // Stopped on one of the run's stop ids (EOS / end marker) rather than running out of tokens.
          ended: msg.outputs.map((ids) => d !== undefined && ids.some((id) => d.stopIds.includes(id))),
        }),
      }));
      return;
    }
    case "run-state":
      updateRun(msg.runId, (r) => ({ ...withStatus(r, msg.state), adapterInWorker: true }));
      return;
    case "checkpoint":
      void keepCheckpoint(msg);
      return;
    case "run-error":
      recordRunError(msg.runId, { step: msg.step, kind: msg.kind, message: msg.message, nextBackend: msg.nextBackend });
      return;
    case "protocol-error":
      // The worker could not read a message's id, so no call can be failed for it; say it where the worker's state shows.
      workerFailed(msg.message);
      return;
    default: {
      const _: never = msg;
      return _;
    }
  }
}
