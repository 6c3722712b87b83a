// One training run in the worker: its adapter, its Trainer, and the step loop that streams metrics
// and generations and stops between steps when asked (pause, stop) or when something breaks.
import { CHECKPOINT_FILE_NAMES, type CheckpointFiles } from "../../core/checkpointFiles";
import type { BackendName, CheckpointBuffers, EvalPrompt, FromWorker, RunErrorKind, RunState } from "../../core/protocol";
import { StepLogger, type StepLogLine } from "../../core/stepLog";
import { evaluationSets } from "../../core/evalSplit";
import { toHf } from "../../core/settings/hf";
import type { TrainingSettings } from "../../core/playgroundState";
import type { TrainExample } from "../../core/types";
import { generateGreedy } from "../generate";
import { createLora, disposeLora, trainableParameterCount, type LoraAdapter } from "../lora";
import { Trainer } from "../trainer";
import { checkpointFiles, parseCheckpoint, restoreCheckpoint } from "../checkpoint";
import type { CausalLM } from "../weights";
import { MEMORY_NEXT_STEP } from "./memoryEstimate";

export interface RunInput {
  runId: string;
  examples: TrainExample[];
  prompts: EvalPrompt[];
  settings: TrainingSettings;
  stopIds: number[];
  newTokenIds: number[];
  /** A checkpoint of this run to continue from (protocol.ts start.resumeFrom). */
  resumeFrom?: { step: number; files: CheckpointBuffers; train: boolean };
}

/** The page keeps a checkpoint at least this often while a run trains, besides every save_steps. */
export const CHECKPOINT_EVERY_MS = 60_000;

export interface RunEnv {
  /** `transfer`: buffers handed over instead of copied (a checkpoint's files). */
  post(msg: FromWorker, transfer?: ArrayBuffer[]): void;
  /** Lets queued messages (pause, stop) in between steps. */
  yieldToEvents(): Promise<void>;
  /** The backend after the current one in the fallback order, offered when the device fails. */
  nextBackend(): BackendName | null;
}

/** What went wrong, in the terms the page offers remedies for. */
export function classifyError(err: unknown): RunErrorKind {
  const text = String((err as Error)?.message ?? err).toLowerCase();
  // Chrome words a lost WebGPU device several ways, e.g. mapAsync failing because "a valid external
  // Instance reference no longer exists".
  if (/device (was )?lost|gpudevicelost|context lost|instance reference no longer exists|mapasync/.test(text)) return "device-lost";
  // Emscripten (the wasm backend) aborts with "Cannot enlarge memory arrays ... (OOM)"; a failed
  // WebAssembly.Memory.grow says "Maximum memory size exceeded"; WebGPU has GPUOutOfMemoryError.
  // An Emscripten abort with no message ("Aborted()") is a failed malloc in the wasm backend.
  if (
    /out ?of ?memory|\boom\b|allocation failed|failed to allocate|memory limit|maximum memory size|cannot enlarge memory|^aborted\(\)/.test(
      text,
    )
  )
    return "out-of-memory";
  return "other";
}

export class TrainingRun {
  state: RunState = "running";
  readonly lora: LoraAdapter;
  private readonly trainer: Trainer;
  private looping = false;
  private lastStep = 0;
  /**
   * A pause or stop that arrived during a step. It takes effect once that step's metrics are
   * posted, so the page never sees a step after "paused" or "stopped".
   */
  private requested: "paused" | "stopped" | null = null;
  /** log_history for the checkpoints' trainer_state.json: every step, as the page charts them. */
  private log: StepLogLine[] = [];
  private readonly logger = new StepLogger(1);
  private lastCheckpoint = { step: 0, at: performance.now() };
  /** Restored to be continued rather than trained on: the first loop only settles the state. */
  holds: boolean;

  constructor(
    private readonly model: CausalLM,
    readonly input: RunInput,
    private readonly env: RunEnv,
  ) {
    const { trainingArguments, loraConfig, sftArguments, evalArguments } = toHf(input.settings);
    // The eval split as the CLI and the export make it (core/evalSplit.ts): held out, measured, never trained on.
    const { train, eval: held } = evaluationSets(input.examples, null, input.settings);
    // The rows of the tokens added at runtime train from the first added id on, when asked.
    const addedRows = input.settings.lora.trainNewTokenRows && input.newTokenIds.length > 0;
    const trainNewTokenRows = addedRows ? Math.min(...input.newTokenIds) : null;
    this.lora = createLora(model, { ...loraConfig, trainNewTokenRows }, input.settings.seed);
    this.holds = input.resumeFrom?.train === false;
    try {
      const plan = { examples: held, ...evalArguments };
      this.trainer = new Trainer(model, this.lora, train, { ...trainingArguments, ...sftArguments }, plan);
      if (input.resumeFrom) this.restore(input.resumeFrom);
    } catch (err) {
      disposeLora(this.lora);
      throw err;
    }
  }

  get totalSteps(): number {
    return this.trainer.totalSteps;
  }

  get trainableParameters(): number {
    return trainableParameterCount(this.lora);
  }

  /** Greedy answers for every prompt, with the adapter as it is now. */
  async generations(): Promise<number[][]> {
    const { maxNewTokens } = this.input.settings;
    const out: number[][] = [];
    for (const p of this.input.prompts) {
      out.push(await generateGreedy(this.model, p.inputIds, { maxNewTokens, eosTokenIds: this.input.stopIds, lora: this.lora }));
    }
    return out;
  }

  private setState(state: RunState): void {
    this.state = state;
    this.env.post({ type: "run-state", runId: this.input.runId, state });
  }

  private fail(kind: RunErrorKind, message: string): void {
    const nextBackend = kind === "device-lost" || kind === "out-of-memory" ? this.env.nextBackend() : null;
    this.env.post({ type: "run-error", runId: this.input.runId, step: this.lastStep, kind, message, nextBackend });
    this.setState("failed");
  }

  /** Continues from a checkpoint of this run (the page checked its checksum); throws why it cannot. */
  private restore({ step, files }: { step: number; files: CheckpointBuffers }): void {
    const bytes = Object.fromEntries(CHECKPOINT_FILE_NAMES.map((n) => [n, new Uint8Array(files[n])])) as CheckpointFiles;
    const where = `the checkpoint of step ${step}`;
    const checkpoint = parseCheckpoint(this.model, this.lora, bytes, where);
    restoreCheckpoint(this.model, this.lora, this.trainer, checkpoint, where);
    this.log = [...checkpoint.log];
    this.lastStep = checkpoint.state.globalStep;
    this.lastCheckpoint = { step: this.lastStep, at: performance.now() };
  }

  /** Every save_steps (transformers' save_strategy "steps"), and at least every CHECKPOINT_EVERY_MS. */
  private checkpointDue(step: number): boolean {
    const every = this.input.settings.saveSteps;
    return (every > 0 && step % every === 0) || performance.now() - this.lastCheckpoint.at >= CHECKPOINT_EVERY_MS;
  }

  /**
   * Hands the page a checkpoint of the run as it is now (between steps), unless this step has one:
   * the page writes it, so the worker pays only for reading the tensors and the copy into files.
   */
  private async postCheckpoint(): Promise<void> {
    const step = this.lastStep;
    if (step === this.lastCheckpoint.step) return;
    const start = performance.now();
    const files = await checkpointFiles(this.model, this.lora, this.trainer, this.log, this.input.settings);
    const buffers = Object.fromEntries(
      CHECKPOINT_FILE_NAMES.map((n) => [n, files[n].buffer.slice(files[n].byteOffset, files[n].byteOffset + files[n].byteLength)]),
    ) as CheckpointBuffers;
    this.lastCheckpoint = { step, at: performance.now() };
    const ms = performance.now() - start;
    this.env.post({ type: "checkpoint", runId: this.input.runId, step, ms, files: buffers }, Object.values(buffers));
  }

  private async postGenerations(step: number): Promise<void> {
    this.env.post({ type: "generations", runId: this.input.runId, step, outputs: await this.generations() });
  }

  /** Runs steps until done, paused, stopped or failed. Safe to call again after a pause. */
  async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    const { runId, settings } = this.input;
    try {
      if (this.holds) {
        this.holds = false;
        this.setState(this.trainer.done ? "finished" : "stopped");
        return;
      }
      if (this.lastStep === 0) await this.postGenerations(0);
      // A run restored from its last checkpoint to train more epochs may have no step left yet.
      const stepsLeft = !this.trainer.done;
      while (this.state === "running" && !this.trainer.done) {
        const r = await this.trainer.step();
        this.lastStep = r.step;
        if (!Number.isFinite(r.loss)) {
          this.fail(
            "nan",
            `The loss became ${r.loss} at step ${r.step}; training stopped. Lower the learning rate or check the examples, then train again.`,
          );
          return;
        }
        this.env.post({ type: "step", runId, metrics: r });
        this.log.push(this.logger.add(r)!);
        if (this.requested) {
          await this.postCheckpoint();
          this.setState(this.requested);
          this.requested = null;
          return;
        }
        const every = settings.generateEvery;
        if (!this.trainer.done && every > 0 && r.step % every === 0) await this.postGenerations(r.step);
        if (!this.trainer.done && this.checkpointDue(r.step)) await this.postCheckpoint();
        await this.env.yieldToEvents();
      }
      if (this.trainer.done && this.state === "running") {
        if (stepsLeft) await this.postGenerations(this.lastStep);
        await this.postCheckpoint();
        this.setState("finished");
      }
    } catch (err) {
      const kind = classifyError(err);
      const advice = `${MEMORY_NEXT_STEP[0].toLowerCase()}${MEMORY_NEXT_STEP.slice(1)}`;
      const next = kind === "out-of-memory" ? ` The backend ran out of memory: ${advice}` : "";
      this.fail(kind, `Step ${this.lastStep + 1} failed: ${(err as Error).message ?? String(err)}${next}`);
    } finally {
      this.looping = false;
    }
  }

  pause(): void {
    if (this.state !== "running") return;
    if (this.looping) this.requested = "paused";
    else this.setState("paused");
  }

  resume(): Promise<void> {
    // A resume before the pause took effect just cancels it.
    if (this.requested === "paused") this.requested = null;
    if (this.state !== "paused") return Promise.resolve();
    this.setState("running");
    return this.loop();
  }

  /**
   * Plans `epochs` more on the same adapter and optimizer state (see Trainer.extend), or throws why a
   * run cannot go on; the returned function trains them, and the step count, curve and answers continue.
   */
  continueFor(epochs: number): () => Promise<void> {
    if (this.state !== "finished" && this.state !== "stopped") {
      throw new Error(`Run ${this.input.runId} is ${this.state}; only a finished or stopped run can train more epochs.`);
    }
    if (this.looping) throw new Error(`Run ${this.input.runId} is still finishing its last step; try again in a moment.`);
    // A stopped run has steps left in its plan: the new epochs start from where it stopped.
    this.trainer.extend(this.trainer.stepsFor(epochs));
    return () => {
      this.setState("running");
      return this.loop();
    };
  }

  stop(): void {
    if (this.state === "running" && this.looping) this.requested = "stopped";
    else if (this.state === "running" || this.state === "paused") this.setState("stopped");
  }

  dispose(): void {
    this.trainer.dispose();
    disposeLora(this.lora);
  }
}
