// Where tokenizer files come from: the bundled model's tokenizer, the Hugging Face hub, or two dropped
// files. The first two are a repository's tokenizer.json and tokenizer_config.json, fetched through the
// hub module (core/hub/hubHttp.ts), which names the file, the model and the revision in every error.
import { BUNDLED_MODEL, bundledFile } from "../bundledModel";
import { TOKENIZER_NEEDED } from "../hub/download";
import { fetchJsonFile, hubRepo, type HubRepoOptions } from "../hub/hubHttp";
import { PlaygroundTokenizer, TokenizerLoadError } from "./playgroundTokenizer";

export const BUNDLED_TOKENIZER = {
  name: BUNDLED_MODEL.name,
  /** Relative to the app's base URL (files under public/). */
  files: { tokenizerJson: bundledFile("tokenizer.json"), tokenizerConfig: bundledFile("tokenizer_config.json") },
} as const;

/** A hub model's tokenizer, or a folder's with `folderUrl` (the bundled model under the app's URL). */
export async function loadHubTokenizer(options: HubRepoOptions): Promise<PlaygroundTokenizer> {
  const repo = hubRepo(options);
  const [tokenizerJson, tokenizerConfig] = await Promise.all([
    fetchJsonFile(repo, "tokenizer.json", TOKENIZER_NEEDED),
    fetchJsonFile(repo, "tokenizer_config.json", TOKENIZER_NEEDED),
  ]);
  return PlaygroundTokenizer.fromFiles({ name: repo.modelId, tokenizerJson, tokenizerConfig });
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
