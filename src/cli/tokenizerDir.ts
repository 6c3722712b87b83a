// Reading a tokenizer folder (tokenizer.json + tokenizer_config.json) from disk for the CLI.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLED_MODEL } from "../core/bundledModel";
import { BUNDLED_TOKENIZER } from "../core/tokenizer/load";
import { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import { CliError, readOrFail } from "./cliError";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The bundled model's folder (its tokenizer too), as the page serves it from public/. */
export const BUNDLED_MODEL_FOLDER = join(repoRoot, "public", BUNDLED_MODEL.folder);

function readJson(path: string): unknown {
  if (!existsSync(path)) throw new CliError(`${path} does not exist; a tokenizer folder needs tokenizer.json and tokenizer_config.json`);
  return readOrFail(`${path} is not valid JSON`, () => JSON.parse(readFileSync(path, "utf8")) as unknown);
}

/** `dir` is a folder, or "default" for the bundled tokenizer. */
export function loadTokenizerDir(dir: string): PlaygroundTokenizer {
  const folder = dir === "default" ? BUNDLED_MODEL_FOLDER : resolve(dir);
  const name = dir === "default" ? BUNDLED_TOKENIZER.name : dir;
  return PlaygroundTokenizer.fromFiles({
    name,
    tokenizerJson: readJson(join(folder, "tokenizer.json")),
    tokenizerConfig: readJson(join(folder, "tokenizer_config.json")),
  });
}
