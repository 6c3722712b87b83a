// The training worker's brain: receives protocol messages, drives the engine, posts results. The
// worker entry (workers/training.worker.ts) only wires it to postMessage, so this runs in Node
// tests with a fake `post`. Every request is answered exactly once for its id: a reply with its
// result, or an error with the reason; a run's progress after its start streams as events.
import {
  BACKENDS,
  parseToWorker,
  type BackendFallback,
  type BackendName,
  type FromWorker,
  type ModelInfo,
  type ModelSpec,
  type ResultFor,
  type SoftwareWebgpu,
  type ToWorker,
  type WorkerResult,
} from "../../core/protocol";
import { planPacking } from "../../core/packing";
import { errorMessage } from "../../core/workerEnvelope";
import { exportAdapter } from "../adapter";
import { createSeededModel, SEEDED_MODEL_NAME } from "../seededModel";
import { teacherForced } from "../generate";
import { architectureFor } from "../architectures";
import { disposeModel, linearModules, loadModelFromFiles, parameterCount, resizeTokenEmbeddings, type CausalLM } from "../weights";
import type { MemoryLimits } from "../backend";
import { ChatGenerations } from "./chatGenerations";
import { trainingMemoryRefusal } from "./memoryEstimate";
import { classifyError, TrainingRun } from "./trainingRun";
import { checkIds, vocabularyForStart } from "./vocabularyCheck";

export interface HandlerEnv {
  post(msg: FromWorker, transfer?: ArrayBuffer[]): void;
  /** Activates a tfjs backend or throws why it cannot run here. */
  setBackend(name: BackendName): Promise<void>;
  /** What the page shows about the backend's device (the WebGPU adapter), if anything. */
  describeAdapter?(name: BackendName): Promise<{ description: string; software: boolean } | null>;
  yieldToEvents(): Promise<void>;
  /** What the active backend can hold (backend.ts memoryLimits); without it no run is refused for memory. */
  memoryLimits?(): MemoryLimits;
}

function modelInfo(name: string, model: CausalLM): ModelInfo {
  const parameters = parameterCount(model);
  const linear = [...new Set(linearModules(model.config).map((m) => m.path.split(".").pop() as string))];
  return {
    name,
    architecture: model.config.architecture,
    parameters,
    vocabSize: model.config.vocabSize,
    linearModules: linear,
    defaultTargets: [...architectureFor(model.config).defaultTargetModules],
  };
}

/** How a request was answered, and what goes on after the reply. */
interface Handled {
  result: WorkerResult;
  /** Buffers the reply hands over instead of copying (the adapter's bytes). */
  transfer?: ArrayBuffer[];
  /** A run's step loop (start, resume): it runs after the reply and reports through events. */
  loop?: { runId: string; go: () => Promise<void> };
}

type Request<T extends ToWorker["type"]> = Extract<ToWorker, { type: T }>;

export class TrainingHandler {
  private backend: BackendName | null = null;
  private backendOrder: BackendName[] = [...BACKENDS];
  private model: CausalLM | null = null;
  private readonly runs = new Map<string, TrainingRun>();
  private readonly chat: ChatGenerations;
  /**
   * init and load-model take a while (backend start, weights); a message that needs them waits
   * for every earlier one, so a page may post init, load-model and start in one go. Pause, resume,
   * stop and delete never wait: they must reach a run that is training. Always settled (a failed
   * init or load has already been answered), so one failure does not fail every later request.
   */
  private setup: Promise<void> = Promise.resolve();

  constructor(private readonly env: HandlerEnv) {
    this.chat = new ChatGenerations(env);
  }

  /** Entry point for every message; never throws (errors become error replies or events). */
  async handle(data: unknown): Promise<void> {
    try {
      await this.dispatch(data);
    } catch (err) {
      // Only posting itself can get here (the error reply did not go out either); say it without an id.
      try {
        this.env.post({
          type: "protocol-error",
          message: `The training worker could not post its answer: ${errorMessage(err)}. Reload the page.`,
        });
      } catch {
        // Nothing more can be said to a page that cannot be posted to.
      }
    }
  }

  private async dispatch(data: unknown): Promise<void> {
    const parsed = parseToWorker(data);
    if (!parsed.ok) {
      this.env.post(
        parsed.id === null
          ? { type: "protocol-error", message: parsed.message }
          : { type: "error", id: parsed.id, message: parsed.message },
      );
      return;
    }
    const { id, request } = parsed.value;
    let handled: Handled;
    try {
      handled = await this.answer(request);
      this.env.post({ type: "reply", id, result: handled.result }, handled.transfer);
    } catch (err) {
      // The request failed, or its reply could not be posted (a result that does not clone): either
      // way the page hears about it for this id, so its promise settles.
      this.env.post({ type: "error", id, message: errorMessage(err) });
      return;
    }
    if (!handled.loop) return;
    const { runId, go } = handled.loop;
    try {
      await go();
    } catch (err) {
      // The loop reports its own failures as run-error; this is the net under it, in the same terms.
      const kind = classifyError(err);
      const nextBackend = kind === "device-lost" || kind === "out-of-memory" ? this.nextBackend() : null;
      const message = `Run ${runId} stopped in the training worker: ${errorMessage(err)}. Train again; if it fails again, reload the page.`;
      this.env.post({ type: "run-error", runId, step: 0, kind, message, nextBackend });
    }
  }

  /** Does what `request` asks; throws why it cannot (the message becomes the error reply). */
  private async answer(request: ToWorker): Promise<Handled> {
    switch (request.type) {
      case "init":
        return { result: await this.inOrder(() => this.init(request.backends, request.softwareWebgpu)) };
      case "load-model":
        return { result: await this.inOrder(() => this.loadModel(request.model)) };
      case "start":
        await this.setup;
        return this.start(request);
      case "pause":
        this.runOrThrow(request.runId).pause();
        return { result: { type: "pause", runId: request.runId } };
      case "resume": {
        const run = this.runOrThrow(request.runId);
        return { result: { type: "resume", runId: request.runId }, loop: { runId: request.runId, go: () => run.resume() } };
      }
      case "stop":
        this.runOrThrow(request.runId).stop();
        return { result: { type: "stop", runId: request.runId } };
      case "continue": {
        const run = this.runOrThrow(request.runId);
        const active = [...this.runs.values()].find((r) => r.state === "running");
        if (active) throw new Error(`Run ${active.input.runId} is still training; pause or stop it first.`);
        const go = run.continueFor(request.epochs);
        return { result: { type: "continue", runId: request.runId, totalSteps: run.totalSteps }, loop: { runId: request.runId, go } };
      }
      case "teacher-forced":
        await this.setup;
        return { result: await this.teacherForced(request) };
      case "export-adapter": {
        await this.setup;
        const result = await this.exportAdapter(request.runId);
        return { result, transfer: [result.safetensors] };
      }
      case "delete-run": {
        // Deleting a run the worker no longer has is not an error: the page's record is what goes.
        const run = this.runs.get(request.runId);
        run?.stop();
        run?.dispose();
        this.runs.delete(request.runId);
        this.chat.forget(request.runId);
        return { result: { type: "delete-run", runId: request.runId } };
      }
      case "generate": {
        await this.setup;
        const model = this.modelOrThrow("wait for it to load, then ask again");
        const lora = request.runId === null ? null : (this.runs.get(request.runId)?.lora ?? this.chat.adapter(request.runId));
        if (lora === undefined)
          throw new Error(
            `The training worker has no adapter of run ${request.runId} (the worker restarted or another model was loaded); ask again to load the kept one, or train the run again.`,
          );
        return { result: await this.chat.generate(model, lora, request) };
      }
      case "stop-generation":
        return { result: this.chat.stop(request.generationId) };
      case "load-adapter":
        await this.setup;
        return { result: await this.chat.load(this.modelOrThrow("load the run's model first"), request) };
      default: {
        const _exhaustive: never = request;
        return _exhaustive;
      }
    }
  }

  private inOrder<T>(task: () => Promise<T>): Promise<T> {
    const done = this.setup.then(task);
    this.setup = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /**
   * Starts the first backend of `order` that runs here. With "after-wasm", each GPU backend before
   * wasm whose adapter is software (WebGPU's adapter, WebGL's renderer: SwiftShader, llvmpipe…) is
   * moved after wasm before anything is initialised (see BackendChoice), and the page is told why:
   * Chrome on Linux often has WebGPU off, and its WebGL is then SwiftShader's software GL, a
   * default-model step of about 200 ms there against 6 ms on wasm (measured in the page).
   */
  private async init(order: BackendName[], softwareWebgpu: SoftwareWebgpu): Promise<ResultFor<"init">> {
    const fallbacks: BackendFallback[] = [];
    let queue = [...order];
    if (softwareWebgpu === "after-wasm" && queue.includes("wasm")) {
      const wasmAt = queue.indexOf("wasm");
      const passed: BackendName[] = [];
      for (const backend of queue.slice(0, wasmAt).filter((b) => b === "webgpu" || b === "webgl")) {
        const adapter = (await this.env.describeAdapter?.(backend).catch(() => null)) ?? null;
        if (!adapter?.software) continue;
        passed.push(backend);
        const reason = `the GPU adapter (${adapter.description}) is software: it runs the GPU's work on the CPU, where wasm is faster`;
        fallbacks.push({ backend, kind: "software", reason });
      }
      queue = [...queue.slice(0, wasmAt + 1).filter((b) => !passed.includes(b)), ...passed, ...queue.slice(wasmAt + 1)];
    }
    for (const backend of queue) {
      try {
        await this.env.setBackend(backend);
      } catch (err) {
        fallbacks.push({ backend, kind: "failed", reason: errorMessage(err) });
        continue;
      }
      this.backend = backend;
      // The order as tried: a run that fails on this backend is offered the next one.
      this.backendOrder = queue;
      const adapter = (await this.env.describeAdapter?.(backend).catch(() => null)) ?? null;
      this.env.post({ type: "backend", backend, fallbacks: fallbacks.filter((f) => f.backend !== backend), adapter });
      return { type: "init", backend };
    }
    throw new Error(
      `No tfjs backend could start in the training worker (${fallbacks.map((f) => `${f.backend}: ${f.reason.replace(/\.$/, "")}`).join("; ")}).`,
    );
  }

  private async loadModel(spec: ModelSpec): Promise<ResultFor<"load-model">> {
    for (const run of this.runs.values()) run.dispose();
    this.runs.clear();
    this.chat.clear();
    if (this.model) disposeModel(this.model);
    this.model = null;
    // A failure keeps no model; the loader's own message (which file, which field) is the reply.
    const model =
      spec.kind === "seeded"
        ? createSeededModel(spec.vocabSize, spec.eosTokenId)
        : await loadModelFromFiles(
            spec.config as object,
            spec.weights.map((w) => ({ name: w.name, source: w.blob })),
          );
    this.model = model;
    return { type: "load-model", info: modelInfo(spec.kind === "seeded" ? SEEDED_MODEL_NAME : spec.name, model) };
  }

  private start(msg: Request<"start">): Handled {
    const model = this.modelOrThrow("wait for it to load (or pick one), then press Train");
    const active = [...this.runs.values()].find((r) => r.state === "running");
    if (active) throw new Error(`Run ${active.input.runId} is still training; pause or stop it first.`);
    // Tokens added at runtime need embedding rows (resize_token_embeddings).
    const needed = vocabularyForStart(msg, model.config.vocabSize);
    resizeTokenEmbeddings(model, needed);
    let run: TrainingRun;
    try {
      run = new TrainingRun(model, msg, {
        post: (m, transfer) => this.env.post(m, transfer),
        yieldToEvents: () => this.env.yieldToEvents(),
        nextBackend: () => this.nextBackend(),
      });
    } catch (err) {
      throw new Error(`The run could not start: ${errorMessage(err)}`);
    }
    const refusal = this.memoryRefusal(model, msg, run.trainableParameters);
    if (refusal) {
      run.dispose();
      throw new Error(refusal);
    }
    this.runs.set(msg.runId, run);
    return {
      result: { type: "start", runId: msg.runId, totalSteps: run.totalSteps, trainableParameters: run.trainableParameters },
      loop: {
        runId: msg.runId,
        go: () => {
          if (!run.holds) this.env.post({ type: "run-state", runId: msg.runId, state: "running" });
          return run.loop();
        },
      },
    };
  }

  private async teacherForced(msg: Request<"teacher-forced">): Promise<ResultFor<"teacher-forced">> {
    const model = this.modelOrThrow("load one, then ask again");
    // An unknown run is refused rather than answered with the base model under the run's name.
    const lora = msg.runId === null ? null : this.runOrThrow(msg.runId).lora;
    checkIds([{ ids: msg.inputIds, what: "teacher-forced view, input id" }], model.config.vocabSize);
    const predictions = msg.inputIds.length > 0 ? await teacherForced(model, msg.inputIds, lora) : [];
    return { type: "teacher-forced", predictions };
  }

  private async exportAdapter(runId: string): Promise<ResultFor<"export-adapter">> {
    const model = this.modelOrThrow("train a run first");
    const run = this.runOrThrow(runId);
    let files: Awaited<ReturnType<typeof exportAdapter>>;
    try {
      files = await exportAdapter(model, run.lora);
    } catch (err) {
      throw new Error(
        `Exporting run ${runId}'s adapter failed in the training worker: ${errorMessage(err)}. Try again; if it fails again, train the run again.`,
      );
    }
    const bytes = files["adapter_model.safetensors"];
    const safetensors = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return { type: "export-adapter", runId, configJson: files["adapter_config.json"], safetensors };
  }

  private modelOrThrow(next: string): CausalLM {
    if (!this.model) throw new Error(`No model is loaded in the training worker yet; ${next}.`);
    return this.model;
  }

  private runOrThrow(runId: string): TrainingRun {
    const run = this.runs.get(runId);
    if (!run)
      throw new Error(
        `The training worker has no run ${runId} (it was deleted, another model was loaded, or the worker restarted); start a new run.`,
      );
    return run;
  }

  /** The largest step's estimated memory against the backend's limits (see memoryEstimate.ts). */
  private memoryRefusal(model: CausalLM, msg: Request<"start">, trainable: number): string | null {
    const { batchSize, maxSeqLength, packing } = msg.settings;
    // A step batches packed rows when packing is on (the Trainer packs the same way): their lengths count.
    const lengths =
      packing === "none"
        ? msg.examples.map((e) => Math.min(maxSeqLength, e.inputIds.length))
        : planPacking(
            msg.examples.map((e) => e.inputIds.length),
            maxSeqLength,
            packing,
          ).map((r) => r.length);
    const limits = this.env.memoryLimits?.() ?? { backend: this.backend ?? "unknown", totalBytes: null, tensorBytes: null };
    return trainingMemoryRefusal(model, lengths, batchSize, trainable, limits);
  }

  private nextBackend(): BackendName | null {
    const i = this.backend === null ? -1 : this.backendOrder.indexOf(this.backend);
    return this.backendOrder[i + 1] ?? null;
  }
}
