// Where tokenizer files come from: the bundled model's tokenizer, the Hugging Face hub, or two dropped
// files. Only URLs and JSON here; fetching is the caller's (browser fetch, or node:fs in the CLI).
import { BUNDLED_MODEL, bundledFile } from "../bundledModel";
import { PlaygroundTokenizer, TokenizerLoadError } from "./playgroundTokenizer";

export const BUNDLED_TOKENIZER = {
  name: BUNDLED_MODEL.name,
  /** Relative to the app's base URL (files under public/). */
  files: { tokenizerJson: bundledFile("tokenizer.json"), tokenizerConfig: bundledFile("tokenizer_config.json") },
} as const;

export const DEFAULT_HUB_URL = "https://huggingface.co";
/** The hub's repository id pattern: an optional owner, then a name, both of [\w.-]. */
export const HUB_MODEL_ID = /^(?:[A-Za-z0-9][\w.-]{0,95}\/)?[A-Za-z0-9][\w.-]{0,95}$/;

export function hubFileUrl(modelId: string, file: string, revision = "main", baseUrl = DEFAULT_HUB_URL): string {
  if (!HUB_MODEL_ID.test(modelId)) {
    throw new TokenizerLoadError(`"${modelId}" is not a Hugging Face model id (expected owner/name, e.g. Qwen/Qwen3-0.6B).`);
  }
  return `${baseUrl.replace(/\/$/, "")}/${modelId}/resolve/${encodeURIComponent(revision)}/${file}`;
}

type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }>;

async function fetchJson(fetchFn: FetchLike, url: string, what: string): Promise<unknown> {
  let res;
  try {
    res = await fetchFn(url);
  } catch (err) {
    throw new TokenizerLoadError(
      `Could not download ${what} from ${url} (${(err as Error).message}); check the network, or drop the file on the page.`,
    );
  }
  if (!res.ok) {
    const hint =
      res.status === 401 || res.status === 403
        ? "the model is gated or private"
        : res.status === 404
          ? "no such model or file"
          : "the server refused";
    throw new TokenizerLoadError(`Downloading ${what} from ${url} failed: HTTP ${res.status} (${hint}).`);
  }
  const body = await res.text();
  try {
    return JSON.parse(body);
  } catch {
    throw new TokenizerLoadError(`${what} from ${url} is not JSON (it starts with ${JSON.stringify(body.slice(0, 40))}).`);
  }
}

export async function loadTokenizerFromUrls(
  name: string,
  urls: { tokenizerJson: string; tokenizerConfig: string },
  fetchFn: FetchLike,
): Promise<PlaygroundTokenizer> {
  const [tokenizerJson, tokenizerConfig] = await Promise.all([
    fetchJson(fetchFn, urls.tokenizerJson, "tokenizer.json"),
    fetchJson(fetchFn, urls.tokenizerConfig, "tokenizer_config.json"),
  ]);
  return PlaygroundTokenizer.fromFiles({ name, tokenizerJson, tokenizerConfig });
}

export function loadHubTokenizer(modelId: string, fetchFn: FetchLike, baseUrl = DEFAULT_HUB_URL, revision = "main") {
  return loadTokenizerFromUrls(
    modelId,
    {
      tokenizerJson: hubFileUrl(modelId, "tokenizer.json", revision, baseUrl),
      tokenizerConfig: hubFileUrl(modelId, "tokenizer_config.json", revision, baseUrl),
    },
    fetchFn,
  );
}

/** Two dropped files, told apart by name. */
export async function loadTokenizerFromDroppedFiles(
  files: ReadonlyArray<{ name: string; text(): Promise<string> }>,
): Promise<PlaygroundTokenizer> {
  const json = files.find((f) => f.name.endsWith("tokenizer.json"));
  const config = files.find((f) => f.name.endsWith("tokenizer_config.json"));
  if (!json || !config) {
    const got = files.map((f) => f.name).join(", ") || "nothing";
    throw new TokenizerLoadError(`Drop both tokenizer.json and tokenizer_config.json together (got ${got}).`);
  }
  const parse = async (f: { name: string; text(): Promise<string> }) => {
    try {
      return JSON.parse(await f.text()) as unknown;
    } catch (err) {
      throw new TokenizerLoadError(`${f.name} is not valid JSON: ${(err as Error).message}`);
    }
  };
  return PlaygroundTokenizer.fromFiles({
    name: `${json.name} (dropped)`,
    tokenizerJson: await parse(json),
    tokenizerConfig: await parse(config),
  });
}
