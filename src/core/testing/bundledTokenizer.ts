// The bundled Qwen3 tokenizer for Node tests, read from public/ as the page serves it.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BUNDLED_TOKENIZER } from "../tokenizer/load";
import { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";

const publicDir = resolve(__dirname, "../../../public");
let cached: PlaygroundTokenizer | undefined;

export function readBundledFiles() {
  const read = (p: string) => JSON.parse(readFileSync(join(publicDir, p), "utf8")) as Record<string, unknown>;
  return {
    name: BUNDLED_TOKENIZER.name,
    tokenizerJson: read(BUNDLED_TOKENIZER.files.tokenizerJson),
    tokenizerConfig: read(BUNDLED_TOKENIZER.files.tokenizerConfig),
  };
}

export function bundledTokenizer(): PlaygroundTokenizer {
  cached ??= PlaygroundTokenizer.fromFiles(readBundledFiles());
  return cached;
}
