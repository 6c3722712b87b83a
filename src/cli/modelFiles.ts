// The files of a model or adapter folder: the base checkpoint as Blobs (read a tensor at a time) and
// loaded as a model, the adapter, the tokenizer files; and writing an export's files to disk as they
// stream out.

import { existsSync, openAsBlob, readFileSync } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { SINGLE_WEIGHTS_FILE, WEIGHTS_INDEX_FILE, shardsOfIndex } from "../core/hub/weightIndex";
import { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import type { BaseCheckpoint, CausalLM, LoraAdapter } from "../engine/index";
import { CliError, readOrFail } from "./cliError";
import type { Engine } from "./engineArgs";
import { BUNDLED_MODEL_FOLDER, loadTokenizerDir } from "./tokenizerDir";

/** `--model default` names the bundled folder. */
export const modelFolder = (flag: string) => (flag === "default" ? BUNDLED_MODEL_FOLDER : flag);

function requireFile(file: string, what: string): void {
  if (!existsSync(file)) throw new CliError(`${file}: not found; ${what}`);
}

/** config.json and model.safetensors (or the shards model.safetensors.index.json names), the weights as Blobs. */
export async function baseCheckpoint(dir: string): Promise<BaseCheckpoint & { config: string }> {
  const configFile = path.join(dir, "config.json");
  requireFile(configFile, "--model must be a folder with config.json and model.safetensors");
  const indexFile = path.join(dir, WEIGHTS_INDEX_FILE);
  const files = existsSync(indexFile)
    ? shardsOfIndex(
        readOrFail(`${indexFile} is not valid JSON`, () => JSON.parse(readFileSync(indexFile, "utf8")) as unknown),
        (why) => new CliError(`${indexFile} ${why}; it should map tensor names to the .safetensors shards beside it.`),
      )
    : [SINGLE_WEIGHTS_FILE];
  const shards = [];
  for (const name of files.map((f) => path.join(dir, f))) {
    requireFile(name, "the model folder needs its safetensors weights (PyTorch .bin files are not supported)");
    shards.push({ name, source: await openAsBlob(name) });
  }
  return { config: readFileSync(configFile, "utf8"), shards };
}

/** A model folder, loaded a tensor at a time: only one tensor's raw bytes are in memory at once. */
export async function loadModelDir(engine: Engine, dir: string): Promise<CausalLM> {
  const { config, shards } = await baseCheckpoint(dir);
  return engine.loadModelFromFiles(config, shards);
}

/** A PEFT adapter folder's adapter_config.json and adapter_model.safetensors. */
export function adapterCheckpoint(dir: string) {
  const [configFile, weightsFile] = ["adapter_config.json", "adapter_model.safetensors"].map((name) => {
    const file = path.join(dir, name);
    requireFile(file, `--adapter must be a PEFT adapter folder with ${name}`);
    return file;
  });
  return { configFile, weightsFile, config: readFileSync(configFile, "utf8"), weights: new Uint8Array(readFileSync(weightsFile)) };
}

/** Loads a PEFT adapter folder onto `model`. */
export async function loadAdapterDir(engine: Engine, model: CausalLM, dir: string): Promise<LoraAdapter> {
  const { configFile, weightsFile, config, weights } = adapterCheckpoint(dir);
  // Tokens added for training (trainable_token_indices past the vocabulary) need their rows first, as
  // PEFT needs resize_token_embeddings before from_pretrained; the new rows are the mean, as in training.
  engine.resizeTokenEmbeddings(model, engine.adapterVocabSize(config, configFile));
  return engine.importAdapter(model, config, weights, weightsFile);
}

/** Files a tokenizer may come as; the adapter folder's win (a run that added tokens saves its tokenizer there). */
const TOKENIZER_FILES = [
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "vocab.json",
  "merges.txt",
  "chat_template.jinja",
];

export function tokenizerFiles(modelDir: string, adapterDir: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TOKENIZER_FILES) {
    const from = [adapterDir, modelDir].find((d) => d !== undefined && existsSync(path.join(d, name)));
    if (from !== undefined) out[name] = readFileSync(path.join(from, name), "utf8");
  }
  if (!out["tokenizer.json"] || !out["tokenizer_config.json"])
    throw new CliError(`${modelDir}: tokenizer.json and tokenizer_config.json are needed to export a model that loads on its own`);
  return out;
}

/** Writes `file` under `dir` chunk by chunk (strings as UTF-8); returns its size in bytes. */
export async function writeOutput(dir: string, file: { path: string; chunks(): Iterable<Chunk> | AsyncIterable<Chunk> }): Promise<number> {
  const target = path.join(dir, file.path);
  await mkdir(path.dirname(target), { recursive: true });
  const handle = await open(target, "w").catch((e: Error) => {
    throw new CliError(`${target}: cannot write (${e.message}); check --out`);
  });
  const out = handle.createWriteStream();
  await pipeline(file.chunks(), out);
  return out.bytesWritten;
}
type Chunk = string | Uint8Array;

/** A model folder, "default", or a .gguf file (read back through the engine, dequantised). */
export async function loadAnyModel(engine: Engine, flag: string): Promise<{ model: CausalLM; tokenizer: PlaygroundTokenizer | null }> {
  if (/\.gguf$/i.test(flag)) {
    if (!existsSync(flag)) throw new CliError(`${flag}: not found`);
    const { model, header } = await engine.loadModelFromGguf(await openAsBlob(flag), flag);
    const files = engine.ggufTokenizerFiles(header);
    return { model, tokenizer: files ? PlaygroundTokenizer.fromFiles({ name: path.basename(flag), ...files }) : null };
  }
  const dir = modelFolder(flag);
  const model = await loadModelDir(engine, dir);
  const hasTokenizer = existsSync(path.join(dir, "tokenizer.json")) && existsSync(path.join(dir, "tokenizer_config.json"));
  return { model, tokenizer: hasTokenizer ? loadTokenizerDir(flag) : null };
}

/** len(tokenizer): one past the largest id in tokenizer.json's vocabulary and added tokens. */
function tokenizerSize(json: string): number {
  const t = JSON.parse(json) as { model?: { vocab?: Record<string, number> }; added_tokens?: Array<{ id: number }> };
  const ids = [...Object.values(t.model?.vocab ?? {}), ...(t.added_tokens ?? []).map((a) => a.id)];
  return ids.reduce((m, id) => Math.max(m, id + 1), 0);
}

/** What both export commands start from: the base folder, the merge planned (adapter optional), the tokenizer files. */
export async function exportSources(engine: Engine, f: { model: string; adapter?: string }) {
  const dir = modelFolder(f.model);
  const adapter = f.adapter ? adapterCheckpoint(f.adapter) : null;
  const tokenizer = tokenizerFiles(dir, f.adapter);
  // A tokenizer with added tokens (an adapter folder saved with its tokenizer) needs their rows, as resize_token_embeddings.
  const plan = await engine.planMerge(await baseCheckpoint(dir), adapter, tokenizerSize(tokenizer["tokenizer.json"]));
  return { dir, adapter, plan, tokenizer };
}
