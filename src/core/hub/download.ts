// downloadHubModel: everything the playground needs from a Hugging Face model repository —
// config.json, generation_config.json (optional), tokenizer.json + tokenizer_config.json, and the
// safetensors weights (one file or shards from an index) — fetched once and cached. The order is
// chosen so failures come early and cheap: every file is HEADed (404s, gated models, sizes) and the
// total is checked against the limit and the storage quota before the first weight byte is fetched.
import { HubError, formatMB } from "./errors";
import { downloadJson, downloadWeights, type PlannedFile } from "./fileDownload";
import type { HubCache } from "./hubCache";
import { headFile, hubRepo, repoFileUrl, whereOf, type HubFetch, type HubRepo } from "./hubHttp";
import { ProgressTracker, type HubProgress } from "./progress";
import { parseJsonFile } from "./verify";
import { badHubIndex, SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE, shardsOfIndex } from "./weightIndex";

export interface StorageEstimate {
  quota: number;
  usage: number;
}

export const HUB_DOWNLOAD_DEFAULTS = {
  /**
   * Largest weights download we start. The engine widens weights to float32, so 2 GiB of bf16
   * becomes 4 GiB of memory, about what a browser tab can hold; every preset fits under it.
   */
  maxBytes: 2 * 1024 ** 3,
};

export interface DownloadHubModelOptions {
  /** owner/name, e.g. "Qwen/Qwen3-0.6B". */
  modelId: string;
  /** Branch, tag or commit; default "main". Cached files are keyed by it, so "main" is never re-checked. */
  revision?: string;
  /** Default https://huggingface.co; tests point it at e2e/hub/hubServer.ts. */
  baseUrl?: string;
  /** Read the files from this folder URL instead of the hub (the bundled model); modelId is then a display name. */
  folderUrl?: string;
  /** Default globalThis.fetch. */
  fetch?: HubFetch;
  /** Where finished files are kept: the page's Cache API (src/store/environment.ts) or createMemoryHubCache(). */
  cache: HubCache;
  /** Storage left for the cache; the browser's StorageManager estimate in a page. Without it, no quota check. */
  estimateQuota?: () => Promise<StorageEstimate | null>;
  /** Refuse weights larger than this many bytes (default HUB_DOWNLOAD_DEFAULTS.maxBytes). */
  maxBytes?: number;
  /** A Hugging Face access token, for gated or private models. */
  accessToken?: string;
  signal?: AbortSignal;
  onProgress?: (progress: HubProgress) => void;
  /** Clock for the speed estimate, in milliseconds (tests). */
  now?: () => number;
}

export const TOKENIZER_NEEDED =
  "The playground needs the model's own tokenizer files; pick a model that has them, or load the tokenizer by dropping tokenizer.json and tokenizer_config.json on the page.";

/** The JSON files, in download order; `required` is the sentence a 404 adds, "" if optional. */
const JSON_FILES: ReadonlyArray<{ file: string; required: string }> = [
  { file: "config.json", required: "Without config.json the model's architecture is unknown; is this a transformers model?" },
  { file: "tokenizer_config.json", required: TOKENIZER_NEEDED },
  { file: "tokenizer.json", required: TOKENIZER_NEEDED },
  { file: "generation_config.json", required: "" },
];

export async function downloadHubModel(options: DownloadHubModelOptions) {
  const repo = hubRepo(options);
  const { cache } = options;
  const cachedFiles: string[] = [];
  const looked = new Map<string, Blob | null>();
  const fromCache = async (file: string) => {
    if (!looked.has(file)) {
      const blob = await cache.get(repoFileUrl(repo, file));
      looked.set(file, blob);
      if (blob) cachedFiles.push(file);
    }
    return looked.get(file) ?? null;
  };

  // Plan: what is cached, what must be fetched and how big it is.
  const jsonValues = new Map<string, unknown>();
  const jsonToFetch: Array<{ file: string; required: string }> = [];
  for (const spec of JSON_FILES) {
    const blob = await fromCache(spec.file);
    if (!blob) jsonToFetch.push(spec);
    else if (blob.size > 0) jsonValues.set(spec.file, await parseCached(repo, spec.file, blob));
  }
  const weightFiles = await resolveWeightFiles(repo, cache, fromCache);
  const weightBlobs = new Map<string, Blob>();
  for (const file of weightFiles.files) {
    const blob = await fromCache(file);
    if (blob) weightBlobs.set(file, blob);
  }
  const heads = await Promise.all([
    ...jsonToFetch.map(async (s) => ({ file: s.file, kind: "json" as const, head: await headFile(repo, s.file, s.required) })),
    ...weightFiles.files
      .filter((f) => !weightBlobs.has(f))
      .map(async (file) => ({
        file,
        kind: "weights" as const,
        head:
          file === SINGLE_WEIGHTS_FILE && weightFiles.singleSize !== undefined
            ? { size: weightFiles.singleSize }
            : await headFile(repo, file, `${WEIGHTS_INDEX_FILE} lists it, so the model is incomplete without it.`),
      })),
  ]);
  for (const h of heads) {
    // An optional file the repository lacks is cached as an empty entry (no JSON file is empty),
    // so a reload, even offline, knows it is absent without asking the hub again.
    if (h.head === "missing") await cache.put(repoFileUrl(repo, h.file), new Blob([]).stream()).catch(() => {});
  }
  const planned = heads.flatMap((h) => (h.head === "missing" ? [] : [{ file: h.file, kind: h.kind, size: h.head.size }]));
  const needed = await checkSizes(repo, options, planned, [...weightBlobs.values()]);

  // Download: JSON first (small, and a wrong model shows up there), then the weights.
  const tracker = new ProgressTracker(needed, options.onProgress, options.now);
  for (const p of planned.filter((p) => p.kind === "json")) jsonValues.set(p.file, await downloadJson(repo, cache, p, tracker));
  for (const p of planned.filter((p) => p.kind === "weights")) weightBlobs.set(p.file, await downloadWeights(repo, cache, p, tracker));

  return {
    modelId: repo.modelId,
    revision: repo.revision,
    config: jsonValues.get("config.json"),
    // null when the repository has no generation_config.json.
    generationConfig: jsonValues.get("generation_config.json") ?? null,
    tokenizerJson: jsonValues.get("tokenizer.json"),
    tokenizerConfig: jsonValues.get("tokenizer_config.json"),
    // Safetensors files in shard order, as Blobs read back from the cache: a Cache API Blob is backed
    // by disk, so the page never holds the raw weights and the engine's float32 copy at once (the
    // engine's forEachTensor reads a Blob tensor by tensor).
    weights: weightFiles.files.map((file) => ({ file, blob: weightBlobs.get(file)! })),
    // Files fetched over the network by this call, and files served from the cache.
    downloadedFiles: [...(weightFiles.fetchedIndex ? [WEIGHTS_INDEX_FILE] : []), ...planned.map((p) => p.file)],
    cachedFiles,
  };
}

async function parseCached(repo: HubRepo, file: string, blob: Blob): Promise<unknown> {
  return parseJsonFile(new Uint8Array(await blob.arrayBuffer()), null, whereOf(repo, file));
}

/**
 * One model.safetensors, or the shards of model.safetensors.index.json (fetched and cached here:
 * it is small and the shard list is needed for planning). `singleSize` is set when the single file
 * was just HEADed, so it is not HEADed twice.
 */
async function resolveWeightFiles(
  repo: HubRepo,
  cache: HubCache,
  fromCache: (file: string) => Promise<Blob | null>,
): Promise<{ files: string[]; singleSize?: number | null; fetchedIndex?: boolean }> {
  const where = { modelId: repo.modelId, revision: repo.revision };
  if (await fromCache(SINGLE_WEIGHTS_FILE)) return { files: [SINGLE_WEIGHTS_FILE] };
  const cachedIndex = await fromCache(WEIGHTS_INDEX_FILE);
  if (cachedIndex) return { files: shardsOfIndex(await parseCached(repo, WEIGHTS_INDEX_FILE, cachedIndex), badHubIndex(where)) };
  const single = await headFile(repo, SINGLE_WEIGHTS_FILE);
  if (single !== "missing") return { files: [SINGLE_WEIGHTS_FILE], singleSize: single.size };
  const indexHead = await headFile(
    repo,
    WEIGHTS_INDEX_FILE,
    `There is no ${SINGLE_WEIGHTS_FILE} either: the playground reads safetensors weights only (not pytorch_model.bin); pick another model.`,
  );
  if (indexHead === "missing") throw new Error("unreachable: a required file is never missing");
  const index = await downloadJson(repo, cache, { file: WEIGHTS_INDEX_FILE, size: indexHead.size }, new ProgressTracker(0, undefined));
  return { files: shardsOfIndex(index, badHubIndex(where)), fetchedIndex: true };
}

/** The limit and the storage quota, checked before any weight byte is fetched; returns the bytes to download. */
async function checkSizes(
  repo: HubRepo,
  options: DownloadHubModelOptions,
  planned: ReadonlyArray<PlannedFile & { kind: "json" | "weights" }>,
  cachedWeights: Blob[],
): Promise<number> {
  const weightBytes =
    planned.filter((p) => p.kind === "weights").reduce((sum, p) => sum + (p.size ?? 0), 0) +
    cachedWeights.reduce((sum, b) => sum + b.size, 0);
  const maxBytes = options.maxBytes ?? HUB_DOWNLOAD_DEFAULTS.maxBytes;
  const where = { modelId: repo.modelId, revision: repo.revision };
  if (weightBytes > maxBytes) {
    throw new HubError(
      "too-large",
      `${repo.modelId} (revision ${repo.revision}) has ${formatMB(weightBytes)} of weights, over the ${formatMB(maxBytes)} ` +
        `limit for this page (the weights are widened to float32 in memory). Pick a smaller model, such as one of the presets.`,
      where,
    );
  }
  const needed = planned.reduce((sum, p) => sum + (p.size ?? 0), 0);
  const estimate = needed > 0 && options.estimateQuota ? await options.estimateQuota() : null;
  if (estimate && needed > estimate.quota - estimate.usage) {
    const available = Math.max(0, estimate.quota - estimate.usage);
    throw new HubError(
      "quota",
      `${repo.modelId} needs ${formatMB(needed)} of browser storage but only ${formatMB(available)} is available ` +
        `(quota ${formatMB(estimate.quota)}, ${formatMB(estimate.usage)} used). Free space (remove other downloaded models ` +
        `or this site's data, or leave private browsing), or pick a smaller model.`,
      where,
    );
  }
  return needed;
}
