// The chat's answers in the worker: generations that stream token by token and stop when asked, with
// the base model, a run's adapter as it is at that moment (also between the steps of a run that is
// training), or an adapter the page brought back from its storage (a run restored after a reload).
import type { FromWorker, ResultFor, ToWorker } from "../../core/protocol";
import { adapterVocabSize, importAdapter } from "../adapter";
import { generate } from "../generate";
import { disposeLora, snapshotLora, type LoraAdapter } from "../lora";
import { resizeTokenEmbeddings, type CausalLM } from "../weights";
import { checkIds } from "./vocabularyCheck";

type Request<T extends ToWorker["type"]> = Extract<ToWorker, { type: T }>;

/** Early stops remembered at most (the oldest is forgotten first). */
const STOPPED_EARLY_KEPT = 64;

export interface ChatEnv {
  post(msg: FromWorker): void;
  /** Lets a stop-generation (and a run's pause or stop) in between tokens. */
  yieldToEvents(): Promise<void>;
}

export class ChatGenerations {
  /** Generations in progress: whether a stop was asked for. */
  private readonly running = new Map<string, { stop: boolean }>();
  /**
   * Stops that came before their generation started (it waited for a model load, say): the page's stop
   * holds for it all the same. Bounded, since a stop may also come after its generation ended.
   */
  private readonly stoppedEarly = new Set<string>();
  /** Adapters loaded from the page's storage, by run id. */
  private readonly loaded = new Map<string, LoraAdapter>();

  constructor(private readonly env: ChatEnv) {}

  /** The adapter of a run restored from the page's storage, if one was loaded. */
  adapter(runId: string): LoraAdapter | undefined {
    return this.loaded.get(runId);
  }

  async load(model: CausalLM, msg: Request<"load-adapter">): Promise<ResultFor<"load-adapter">> {
    const where = `run ${msg.runId}'s adapter_model.safetensors`;
    let lora: LoraAdapter;
    try {
      // Tokens added for training need their embedding rows first, as PEFT needs resize_token_embeddings.
      resizeTokenEmbeddings(model, adapterVocabSize(msg.configJson, `run ${msg.runId}'s adapter_config.json`));
      lora = await importAdapter(model, msg.configJson, new Uint8Array(msg.safetensors), where);
    } catch (err) {
      throw new Error(
        `The kept adapter of run ${msg.runId} could not be loaded into the training worker: ${(err as Error).message}. Pick the model the run was trained on, or train the run again.`,
      );
    }
    this.forget(msg.runId);
    this.loaded.set(msg.runId, lora);
    return { type: "load-adapter", runId: msg.runId };
  }

  /**
   * Continues the prompt with `lora` (null: the base model), which is snapshotted first: a run that
   * trains on, or is deleted, meanwhile does not change this answer.
   */
  async generate(model: CausalLM, lora: LoraAdapter | null, msg: Request<"generate">): Promise<ResultFor<"generate">> {
    checkIds([{ ids: msg.inputIds, what: "chat prompt, input id" }], model.config.vocabSize);
    const { generationId } = msg;
    if (this.running.has(generationId)) throw new Error(`Generation ${generationId} is already running; stop it or use a new id.`);
    const state = { stop: this.stoppedEarly.delete(generationId) };
    this.running.set(generationId, state);
    const frozen = lora ? snapshotLora(lora) : null;
    try {
      const { maxNewTokens, ...sampling } = msg.settings;
      const r = await generate(model, msg.inputIds, {
        maxNewTokens,
        eosTokenIds: msg.stopIds,
        lora: frozen,
        sampling,
        shouldStop: () => state.stop,
        onToken: (token) => {
          this.env.post({ type: "generated-token", generationId, token });
          return this.env.yieldToEvents();
        },
      });
      return { type: "generate", generationId, tokens: r.tokens, finish: r.finish };
    } finally {
      if (frozen) disposeLora(frozen);
      this.running.delete(generationId);
    }
  }

  /** Asks a generation to end after its current token; one that already ended is not an error. */
  stop(generationId: string): ResultFor<"stop-generation"> {
    const state = this.running.get(generationId);
    if (state) state.stop = true;
    else {
      this.stoppedEarly.add(generationId);
      if (this.stoppedEarly.size > STOPPED_EARLY_KEPT) this.stoppedEarly.delete(this.stoppedEarly.values().next().value as string);
    }
    return { type: "stop-generation", generationId };
  }

  /** Frees a loaded adapter (its run was deleted). */
  forget(runId: string): void {
    const lora = this.loaded.get(runId);
    if (lora) disposeLora(lora);
    this.loaded.delete(runId);
  }

  /** Frees every loaded adapter (another model is loaded) and stops every generation. */
  clear(): void {
    for (const id of [...this.loaded.keys()]) this.forget(id);
    for (const state of this.running.values()) state.stop = true;
    this.stoppedEarly.clear();
  }
}
