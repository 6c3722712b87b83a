// Which model trains: the bundled default (a model folder the app serves, public/models/default), a
// hub model (downloaded on the page with progress, cached by the Cache API) or a dropped local folder.
// The bundled and hub models go through the same downloader; every model brings its tokenizer, loaded
// through the tokenizer slice. A failed load keeps the previous model and tokenizer.
import { BUNDLED_MODEL } from "../core/bundledModel";
import { downloadHubModel, type DownloadHubModelOptions } from "../core/hub/download";
import { HubError, type HubErrorKind } from "../core/hub/errors";
import { createMemoryHubCache, type HubCache } from "../core/hub/hubCache";
import { DEFAULT_MASKING } from "../core/defaults";
import { BUNDLED_MODEL_MASKING, BUNDLED_MODEL_TRAINING, NOTEBOOK_TRAINING } from "../core/playgroundState";
import type { BackendName, ModelSpec } from "../core/protocol";
import { environment } from "./environment";
import { modelFolderChosen, modelLoadChanged } from "../store/actions";
import { bundledModelChosen, store } from "../store/playgroundStore";
import { ensureModel, ensureWorker, terminateWorker } from "./workerBridge";

/** The weights of the hub or folder model the user picked last (Blobs: disk-backed for cached files). */
let filesModel: { key: string; spec: Extract<ModelSpec, { kind: "files" }> } | null = null;
let abort: AbortController | null = null;

/** The key the bundled model's weights are known by in the worker. */
const BUNDLED_KEY = `bundled:${BUNDLED_MODEL.folder}`;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const BUNDLED_DEFAULTS = { training: BUNDLED_MODEL_TRAINING, masking: BUNDLED_MODEL_MASKING };
const HUB_DEFAULTS = { training: NOTEBOOK_TRAINING, masking: DEFAULT_MASKING };

/**
 * Switching between the bundled model and another swaps the untouched defaults (the tiny bundled
 * model has its own learning rate, LoRA shape and masking: BUNDLED_MODEL_TRAINING and
 * BUNDLED_MODEL_MASKING); edited settings stay. Only on a switch: reloading the bundled model (a
 * restored autosave, a worker restart) keeps whatever the user chose, the Trainer's defaults included.
 */
function applyDefaultsFor(kind: "bundled" | "files"): void {
  const [from, to] = kind === "bundled" ? [HUB_DEFAULTS, BUNDLED_DEFAULTS] : [BUNDLED_DEFAULTS, HUB_DEFAULTS];
  const s = store();
  if (same(s.training, from.training)) {
    const { lora, ...rest } = structuredClone(to.training);
    s.setTraining(rest);
    s.setLora(lora);
  }
  if (same(s.masking, from.masking)) s.setMasking(structuredClone(to.masking));
}

/** The spec to train now: the weights of the model loaded last. */
export function currentModelSpec(): NonNullable<typeof filesModel> {
  if (!filesModel) throw new Error("The chosen model is not loaded yet: load it (or pick the bundled default) before training.");
  return filesModel;
}

/**
 * Loads the model chosen last into the worker unless it holds it already, restarting the worker on
 * `backend` first (a retry after a failure); resolves with the model's key.
 */
export async function ensureCurrentModel(backend?: BackendName): Promise<string> {
  const { key, spec } = currentModelSpec();
  if (backend) terminateWorker("Restarted the worker on another backend.");
  await ensureWorker(backend);
  await ensureModel(key, spec);
  return key;
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
  modelLoadChanged({ phase: "idle", progress: null, error: { kind, message, next: NEXT_STEP[kind] } });
}

async function switchTokenizer(name: string, tokenizerJson: unknown, tokenizerConfig: unknown): Promise<void> {
  await store().loadModelTokenizer(name, tokenizerJson, tokenizerConfig);
  const error = store().tokenizer.error;
  if (error) throw new Error(`${name}'s tokenizer did not load: ${error}`);
}

/** Loads the files model into the worker; on failure the previous choice stays. */
async function loadFilesModel(key: string, spec: Extract<ModelSpec, { kind: "files" }>): Promise<void> {
  modelLoadChanged({ phase: "loading", progress: null });
  try {
    await ensureModel(key, spec);
  } catch (err) {
    loadFailed("worker", (err as Error).message);
    throw err;
  }
  filesModel = { key, spec };
}

export async function loadBundledModel(): Promise<void> {
  const switching = !bundledModelChosen(store());
  const { appFiles } = environment();
  const options = { modelId: BUNDLED_MODEL.name, folderUrl: appFiles.url(BUNDLED_MODEL.folder), fetch: appFiles.fetch };
  await loadFromRepo(BUNDLED_MODEL.name, BUNDLED_KEY, options, () => {
    store().setModel({ kind: "bundled" });
    if (switching) applyDefaultsFor("bundled");
  });
}

/** After a worker restart: the bundled model is loaded again at once (a hub or folder model loads at the next start). */
export async function loadBundledModelIfChosen(): Promise<void> {
  if (bundledModelChosen(store())) await loadBundledModel();
}

/** The Cache API's hub files, else (an insecure origin, Firefox's private mode) a memory cache: downloaded every time. */
async function hubCache(): Promise<HubCache> {
  const browser = environment().hubCache;
  return (await browser?.open().catch(() => null)) ?? createMemoryHubCache();
}

export async function loadHubModel(modelId: string, revision = "main"): Promise<void> {
  const id = modelId.trim();
  const baseUrl = store().hubBaseUrl.trim() || undefined;
  await loadFromRepo(id, `hub:${id}@${revision}`, { modelId: id, revision, baseUrl, cache: await hubCache() }, () => {
    store().setModel({ kind: "hub", id, revision });
    applyDefaultsFor("files");
  });
}

/**
 * Downloads a model (the hub's resolve URLs, or the bundled folder), switches to its tokenizer and
 * hands its weights to the worker; `chosen` records the choice once all of that worked.
 */
async function loadFromRepo(
  label: string,
  key: string,
  options: Omit<DownloadHubModelOptions, "cache" | "signal" | "onProgress"> & { cache?: HubCache },
  chosen: () => void,
): Promise<void> {
  abort?.abort();
  const controller = (abort = new AbortController());
  modelLoadChanged({ phase: "downloading", label, progress: null, error: null });
  try {
    const files = await downloadHubModel({
      ...options,
      // The bundled files come with the app (the browser's HTTP cache keeps them); hub files are kept.
      cache: options.cache ?? createMemoryHubCache(),
      // The quota left for the files a Cache API would keep (none without one).
      estimateQuota: async () => (environment().hubCache ? environment().estimateStorage() : null),
      signal: controller.signal,
      onProgress: (progress) => modelLoadChanged({ progress }),
    });
    // The page loads the bundled tokenizer on its own at start; if it is still the one in use, the
    // bundled model's download must not load it again: that would clear a message about a tokenizer
    // the user tried meanwhile (and redo the mask view for nothing).
    if (key !== BUNDLED_KEY || store().tokenizer.info?.name !== label)
      await switchTokenizer(label, files.tokenizerJson, files.tokenizerConfig);
    await loadFilesModel(key, {
      kind: "files",
      name: label,
      config: files.config,
      weights: files.weights.map((w) => ({ name: w.file, blob: w.blob })),
    });
    modelFolderChosen(null);
    chosen();
    modelLoadChanged({ phase: "idle" });
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
  modelLoadChanged({ phase: "loading", label: folder, progress: null, error: null });
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
    modelFolderChosen(folder);
    modelLoadChanged({ phase: "idle" });
    applyDefaultsFor("files");
  } catch (err) {
    if (store().modelLoad.error === null) loadFailed("files", (err as Error).message);
  }
}
