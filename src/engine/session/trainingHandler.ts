// The training worker's brain: receives protocol messages, drives the engine, posts results. The
// worker entry (workers/training.worker.ts) only wires it to postMessage, so this runs in Node
// tests with a fake `post`.
import { BACKENDS, parseToWorker, type BackendName, type FromWorker, type ModelInfo, type ModelSpec, type ToWorker } from "../../core/protocol";
import { exportAdapter } from "../adapter";
import { createDefaultModel, DEFAULT_MODEL_NAME } from "../defaultModel";
import { teacherForced } from "../generate";
import { DEFAULT_TARGET_MODULES } from "../lora";
import { disposeModel, linearModules, loadModelFromFiles, resizeTokenEmbeddings, type CausalLM } from "../weights";
import { TrainingRun } from "./trainingRun";

export interface HandlerEnv {
  post(msg: FromWorker, transfer?: Transferable[]): void;
  /** Activates a tfjs backend or throws why it cannot run here. */
  setBackend(name: BackendName): Promise<void>;
  /** What the page shows about the backend's device (the WebGPU adapter), if anything. */
  describeAdapter?(name: BackendName): Promise<{ description: string; software: boolean } | null>;
  yieldToEvents(): Promise<void>;
}

function modelInfo(name: string, model: CausalLM): ModelInfo {
  let parameters = 0;
  for (const w of model.weights.values()) parameters += w.size;
  const linear = [...new Set(linearModules(model.config).map((m) => m.path.split(".").pop() as string))];
  return {
    name,
    architecture: model.config.architecture,
    parameters,
    vocabSize: model.config.vocabSize,
    linearModules: linear,
    defaultTargets: DEFAULT_TARGET_MODULES[model.config.family],
  };
}

/** The first id ≥ vocabSize in any sequence, with where it is; null when all fit. */
function firstIdOutside(sequences: number[][], vocabSize: number): { index: number; position: number; id: number } | null {
  for (let index = 0; index < sequences.length; index++) {
    const position = sequences[index].findIndex((id) => id >= vocabSize);
    if (position >= 0) return { index, position, id: sequences[index][position] };
  }
  return null;
}

export class TrainingHandler {
  private backend: BackendName | null = null;
  private backendOrder: BackendName[] = [...BACKENDS];
  private model: CausalLM | null = null;
  private readonly runs = new Map<string, TrainingRun>();
  /**
   * init and load-model take a while (backend start, weights); a message that needs them waits
   * for every earlier one, so a page may post init, load-model and start in one go. Pause, resume,
   * stop and delete never wait: they must reach a run that is training.
   */
  private setup: Promise<void> = Promise.resolve();

  constructor(private readonly env: HandlerEnv) {}

  /** Entry point for every message; never throws (errors become messages). */
  async handle(data: unknown): Promise<void> {
    const parsed = parseToWorker(data);
    if (!parsed.ok) {
      this.env.post({ type: "protocol-error", message: parsed.message });
      return;
    }
    const msg: ToWorker = parsed.msg;
    switch (msg.type) {
      case "init":
        return this.inOrder(() => this.init(msg.backends));
      case "load-model":
        return this.inOrder(() => this.loadModel(msg.model));
      case "start":
        await this.setup;
        return this.start(msg);
      case "pause":
        return this.runOrError(msg.runId)?.pause();
      case "resume":
        return this.runOrError(msg.runId)?.resume();
      case "stop":
        return this.runOrError(msg.runId)?.stop();
      case "teacher-forced": {
        await this.setup;
        const model = this.model;
        if (!model) return this.env.post({ type: "model-error", message: "No model is loaded yet; load one, then ask again." });
        const lora = msg.runId === null ? null : (this.runs.get(msg.runId)?.lora ?? null);
        const predictions = msg.inputIds.length > 0 ? await teacherForced(model, msg.inputIds, lora) : [];
        return this.env.post({ type: "teacher-forced", requestId: msg.requestId, predictions });
      }
      case "export-adapter": {
        await this.setup;
        const run = this.runOrError(msg.runId);
        if (!run || !this.model) return;
        const files = await exportAdapter(this.model, run.lora);
        const bytes = files["adapter_model.safetensors"];
        const safetensors = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        return this.env.post({ type: "adapter", runId: msg.runId, configJson: files["adapter_config.json"], safetensors }, [safetensors]);
      }
      case "delete-run": {
        const run = this.runs.get(msg.runId);
        run?.stop();
        run?.dispose();
        this.runs.delete(msg.runId);
        return;
      }
      default: {
        const _exhaustive: never = msg;
        return _exhaustive;
      }
    }
  }

  private inOrder(task: () => Promise<void>): Promise<void> {
    this.setup = this.setup.then(task);
    return this.setup;
  }

  private async init(order: BackendName[]): Promise<void> {
    this.backendOrder = order;
    const fallbacks: Array<{ backend: BackendName; reason: string }> = [];
    for (const backend of order) {
      try {
        await this.env.setBackend(backend);
        this.backend = backend;
        const adapter = (await this.env.describeAdapter?.(backend).catch(() => null)) ?? null;
        this.env.post({ type: "backend", backend, fallbacks, adapter });
        return;
      } catch (err) {
        fallbacks.push({ backend, reason: (err as Error).message ?? String(err) });
      }
    }
    this.env.post({ type: "model-error", message: `No tfjs backend could start: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join("; ")}` });
  }

  private async loadModel(spec: ModelSpec): Promise<void> {
    for (const run of this.runs.values()) run.dispose();
    this.runs.clear();
    if (this.model) disposeModel(this.model);
    this.model = null;
    try {
      const model =
        spec.kind === "bundled"
          ? createDefaultModel(spec.vocabSize, spec.eosTokenId)
          : await loadModelFromFiles(spec.config as object, spec.weights.map((w) => ({ name: w.name, source: w.blob })));
      this.model = model;
      this.env.post({ type: "model-loaded", info: modelInfo(spec.kind === "bundled" ? DEFAULT_MODEL_NAME : spec.name, model) });
    } catch (err) {
      this.env.post({ type: "model-error", message: (err as Error).message ?? String(err) });
    }
  }

  private async start(msg: Extract<ToWorker, { type: "start" }>): Promise<void> {
    const fail = (message: string) =>
      this.env.post({ type: "run-error", runId: msg.runId, step: 0, kind: "other", message, nextBackend: null });
    if (!this.model) return fail("No model is loaded yet; wait for it to load (or pick one), then press Train.");
    const active = [...this.runs.values()].find((r) => r.state === "running");
    if (active) return fail(`Run ${active.input.runId} is still training; pause or stop it first.`);
    // Tokens added at runtime need embedding rows (resize_token_embeddings).
    const needed = Math.max(this.model.config.vocabSize, ...msg.newTokenIds.map((id) => id + 1));
    const outside = firstIdOutside([...msg.examples.map((e) => e.inputIds), ...msg.prompts.map((p) => p.inputIds)], needed);
    if (outside) {
      const where = outside.index < msg.examples.length ? `example ${outside.index + 1}` : `prompt ${outside.index - msg.examples.length + 1}`;
      return fail(
        `Token id ${outside.id} (${where}, position ${outside.position}) is outside the model's vocabulary of ${needed}: the tokenizer does not belong to this model. Load the model's own tokenizer, or the model that goes with this tokenizer.`,
      );
    }
    resizeTokenEmbeddings(this.model, needed);
    let run: TrainingRun;
    try {
      run = new TrainingRun(this.model, msg, {
        post: (m) => this.env.post(m),
        yieldToEvents: () => this.env.yieldToEvents(),
        nextBackend: () => this.nextBackend(),
      });
    } catch (err) {
      return fail(`The run could not start: ${(err as Error).message}`);
    }
    this.runs.set(msg.runId, run);
    this.env.post({ type: "run-started", runId: msg.runId, totalSteps: run.totalSteps, trainableParameters: run.trainableParameters });
    this.env.post({ type: "run-state", runId: msg.runId, state: "running" });
    await run.loop();
  }

  private runOrError(runId: string): TrainingRun | undefined {
    const run = this.runs.get(runId);
    if (!run) {
      this.env.post({ type: "run-error", runId, step: 0, kind: "other", message: `The worker has no run ${runId} (it was deleted, or the worker restarted).`, nextBackend: null });
    }
    return run;
  }

  private nextBackend(): BackendName | null {
    const i = this.backend === null ? -1 : this.backendOrder.indexOf(this.backend);
    return this.backendOrder[i + 1] ?? null;
  }
}
