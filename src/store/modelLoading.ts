// Which model trains: the bundled default (built in the worker from a seed, offline), a hub model
// (downloaded on the page with progress, cached by the Cache API) or a dropped local folder. A hub or
// folder model also brings its tokenizer, loaded through the tokenizer slice's dropped-files action.
// A failed load keeps the previous model and tokenizer.
import { downloadHubModel } from "../core/hub/download";
import { HubError, type HubErrorKind } from "../core/hub/errors";
import { createMemoryHubCache, type HubCache } from "../core/hub/hubCache";
import { BUNDLED_MODEL_TRAINING, DEFAULT_TRAINING, type TrainingSettings } from "../core/playgroundState";
import type { ModelSpec } from "../core/protocol";
import { environment } from "./environment";
import { usePlayground } from "./playgroundStore";
import { currentTokenizer } from "./tokenizerHolder";
import { ensureModel } from "./workerBridge";

const store = () => usePlayground.getState();
const set = usePlayground.setState;

/** The weights of the hub or folder model the user picked last (Blobs: disk-backed for cached files). */
let filesModel: { key: string; spec: Extract<ModelSpec, { kind: "files" }> } | null = null;
let abort: AbortController | null = null;

/** Kept for src/store/persistence.ts, which imports it; BUNDLED_MODEL_TRAINING can be imported directly now. */
export function bundledModelTraining(): TrainingSettings | null {
  return BUNDLED_MODEL_TRAINING;
}

const same = (a: TrainingSettings, b: TrainingSettings) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Switching between the bundled model and a real one swaps the untouched defaults (the bundled
 * random model needs a higher learning rate and more steps); settings the user edited are kept.
 */
function applyDefaultsFor(kind: "bundled" | "files"): void {
  const preset = BUNDLED_MODEL_TRAINING;
  const current = store().training;
  const [from, to] = kind === "bundled" ? [DEFAULT_TRAINING, preset] : [preset, DEFAULT_TRAINING];
  if (!same(current, from)) return;
  const { lora, ...rest } = structuredClone(to);
  store().setTraining(rest);
  store().setLora(lora);
}

export function bundledSpec(vocabSize: number, eosTokenId: number | null): { key: string; spec: ModelSpec } {
  return { key: `bundled:${vocabSize}:${eosTokenId}`, spec: { kind: "bundled", vocabSize, eosTokenId } };
}

/** The spec to train now; the bundled model is sized to the base tokenizer (added tokens excluded). */
export function currentModelSpec(vocabSize: number, eosTokenId: number | null): { key: string; spec: ModelSpec } {
  const { model, droppedModelName } = store();
  if (model.kind === "bundled" && droppedModelName === null) return bundledSpec(vocabSize, eosTokenId);
  if (!filesModel) throw new Error("The chosen model is not loaded yet: load it (or pick the bundled default) before training.");
  return filesModel;
}

const NEXT_STEP: Record<HubErrorKind | "files" | "worker", string> = {
  "invalid-id": "Fix the id: owner/name, as in the model page's title.",
  unauthorized: "Check the id; a gated or private model cannot be downloaded here, so pick a preset.",
  "not-found": "Check the id and revision, or pick a preset.",
  http: "Try again later, or check the hub URL under Advanced.",
  network: "Check the connection (or the hub URL under Advanced) and try again; finished files stay cached.",
  truncated: "Try again: the download broke off, and finished files stay cached.",
  html: "Check the hub URL under Advanced: a login page or proxy answered instead of the hub.",
  "not-json": "Pick another model: this repository's files are damaged or not a transformers model.",
  "bad-safetensors": "Pick another model: its weights file is unreadable.",
  "bad-index": "Pick another model: its weights index is unusable.",
  "too-large": "Pick a smaller model, such as one of the presets.",
  quota: "Free browser storage (or leave private browsing), or pick a smaller model.",
  cache: "Free browser storage or leave private browsing, then try again.",
  aborted: "Load the model again.",
  files: "Drop the whole model folder: config.json, tokenizer.json, tokenizer_config.json and the *.safetensors files.",
  worker: "Pick another model (the engine supports Llama, Qwen2/Qwen3 and BLOOM), or the bundled default.",
};

function loadFailed(kind: keyof typeof NEXT_STEP, message: string): void {
  set((s) => ({ modelLoad: { ...s.modelLoad, phase: "idle", progress: null, error: { kind, message, next: NEXT_STEP[kind] } } }));
}

async function switchTokenizer(name: string, tokenizerJson: unknown, tokenizerConfig: unknown): Promise<void> {
  await store().loadModelTokenizer(name, tokenizerJson, tokenizerConfig);
  const error = store().tokenizer.error;
  if (error) throw new Error(`${name}'s tokenizer did not load: ${error}`);
}

/** Loads the files model into the worker; on failure the previous choice stays. */
async function loadFilesModel(key: string, spec: Extract<ModelSpec, { kind: "files" }>): Promise<void> {
  set((s) => ({ modelLoad: { ...s.modelLoad, phase: "loading", progress: null } }));
  try {
    await ensureModel(key, spec);
  } catch (err) {
    loadFailed("worker", (err as Error).message);
    throw err;
  }
  filesModel = { key, spec };
}

export async function loadBundledModel(): Promise<void> {
  abort?.abort();
  filesModel = null;
  set({ droppedModelName: null, modelLoad: { phase: "loading", label: "bundled default", progress: null, error: null } });
  store().setModel({ kind: "bundled" });
  applyDefaultsFor("bundled");
  // A hub or folder model brought its own tokenizer; the bundled model is built over the bundled one.
  if (store().tokenizer.info?.name.endsWith("(dropped)")) await store().loadBundledTokenizer();
  const tok = currentTokenizer();
  if (!tok) return set((s) => ({ modelLoad: { ...s.modelLoad, phase: "idle" } }));
  try {
    const { key, spec } = bundledSpec(tok.vocabSize, tok.eosId);
    await ensureModel(key, spec);
    set((s) => ({ modelLoad: { ...s.modelLoad, phase: "idle" } }));
  } catch (err) {
    loadFailed("worker", (err as Error).message);
  }
}

/** After a worker restart: the bundled model is rebuilt at once (a files model loads at the next start). */
export async function loadBundledModelIfChosen(): Promise<void> {
  if (store().model.kind === "bundled" && store().droppedModelName === null) await loadBundledModel();
}

async function hubCache(): Promise<HubCache> {
  const browser = environment().hubCache;
  try {
    if (browser) return await browser.open();
  } catch {
    // The Cache API refused (e.g. Firefox's private mode): as without one below.
  }
  return createMemoryHubCache(); // no Cache API (e.g. an insecure origin): download every time
}

export async function loadHubModel(modelId: string, revision = "main"): Promise<void> {
  abort?.abort();
  const controller = (abort = new AbortController());
  const id = modelId.trim();
  set({ modelLoad: { phase: "downloading", label: id, progress: null, error: null } });
  try {
    const files = await downloadHubModel({
      modelId: id,
      revision,
      baseUrl: store().hubBaseUrl.trim() || undefined,
      cache: await hubCache(),
      estimateQuota: () => environment().hubCache?.estimate() ?? Promise.resolve(null),
      signal: controller.signal,
      onProgress: (progress) => set((s) => ({ modelLoad: { ...s.modelLoad, progress } })),
    });
    await switchTokenizer(id, files.tokenizerJson, files.tokenizerConfig);
    await loadFilesModel(`hub:${id}@${revision}`, {
      kind: "files",
      name: id,
      config: files.config,
      weights: files.weights.map((w) => ({ name: w.file, blob: w.blob })),
    });
    set({ droppedModelName: null });
    store().setModel({ kind: "hub", id, revision });
    applyDefaultsFor("files");
    set((s) => ({ modelLoad: { ...s.modelLoad, phase: "idle" } }));
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof HubError)) return;
    if (err instanceof HubError) loadFailed(err.kind, err.message);
    else if (store().modelLoad.error === null) loadFailed("worker", (err as Error).message);
  }
}

/** The path of a dropped or picked file inside its folder ("my-model/config.json" → "config.json"). */
function baseName(file: File): string {
  return file.name.split("/").at(-1) ?? file.name;
}

export async function loadDroppedModel(files: File[]): Promise<void> {
  abort?.abort();
  const folder = files[0]?.webkitRelativePath.split("/")[0] || "dropped model";
  set({ modelLoad: { phase: "loading", label: folder, progress: null, error: null } });
  const byName = new Map(files.map((f) => [baseName(f), f]));
  const weights = files.filter((f) => f.name.endsWith(".safetensors")).sort((a, b) => a.name.localeCompare(b.name));
  const missing = ["config.json", "tokenizer.json", "tokenizer_config.json"].filter((n) => !byName.has(n));
  if (weights.length === 0) missing.push("*.safetensors");
  if (missing.length)
    return loadFailed(
      "files",
      `The dropped folder ${folder} lacks ${missing.join(", ")} (got ${files.map(baseName).join(", ") || "nothing"}).`,
    );
  const json = async (name: string) => {
    try {
      return JSON.parse(await byName.get(name)!.text()) as unknown;
    } catch (err) {
      throw new Error(`${folder}/${name} is not valid JSON: ${(err as Error).message}`);
    }
  };
  try {
    const [config, tokenizerJson, tokenizerConfig] = await Promise.all([
      json("config.json"),
      json("tokenizer.json"),
      json("tokenizer_config.json"),
    ]);
    await switchTokenizer(folder, tokenizerJson, tokenizerConfig);
    await loadFilesModel(`folder:${folder}:${weights.map((w) => `${w.name}:${w.size}:${w.lastModified}`).join(",")}`, {
      kind: "files",
      name: folder,
      config,
      weights: weights.map((w) => ({ name: baseName(w), blob: w })),
    });
    set((s) => ({ droppedModelName: folder, modelLoad: { ...s.modelLoad, phase: "idle" } }));
    applyDefaultsFor("files");
  } catch (err) {
    if (store().modelLoad.error === null) loadFailed("files", (err as Error).message);
  }
}
