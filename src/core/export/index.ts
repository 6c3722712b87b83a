// A training project that runs the playground's run on an existing trainer: transformers.Trainer +
// PEFT under accelerate (DDP, FSDP, DeepSpeed ZeRO-2), TRL and axolotl, from the same labels, LoRA
// and schedule. One file per artefact in this folder; this one lists them. The page zips the files
// (zip.ts), the CLI writes them to a folder line by line (src/cli/commands/export.ts).
import { accelerateFiles } from "./accelerate";
import { AXOLOTL_FILE, axolotlYaml } from "./axolotl";
import { CONFIG_FILE, EVAL_TOKENIZED_FILE, MESSAGES_FILE, TOKENIZED_FILE, exportSplit, playgroundConfig } from "./config";
import { messageLines, tokenizedLines } from "./data";
import { PYTHON_FILES } from "./python";
import { exportReadme } from "./readme";
import type { ExportFile, ExportInput } from "./types";

export type { ExportFile, ExportInput, ExportModel, ExportRun } from "./types";
export { BUNDLED_MODEL_DIR, CONFIG_FILE, EVAL_TOKENIZED_FILE, MESSAGES_FILE, TOKENIZED_FILE, playgroundConfig } from "./config";
export { trainingDataFingerprint } from "./data";

// Lower bounds the scripts need: PEFT 0.15 for trainable_token_indices (older PEFT falls back to
// modules_to_save, see playground_common.py), transformers 4.46 for mean_resizing and the token-count
// loss, TRL 0.20 for completion_mask / completion_only_loss on pre-tokenized data.
const REQUIREMENTS = [
  "torch>=2.1",
  "transformers>=4.46",
  "peft>=0.15",
  "accelerate>=1.0",
  "datasets>=2.18",
  "safetensors",
  "trl>=0.20",
  "",
].join("\n");

export function exportFiles(input: ExportInput): ExportFile[] {
  const { train, eval: held } = exportSplit(input);
  const chats = input.chats;
  return [
    { path: "README.md", text: exportReadme(input) },
    { path: CONFIG_FILE, text: `${JSON.stringify(playgroundConfig(input), null, 2)}\n` },
    { path: TOKENIZED_FILE, lines: () => tokenizedLines(train) },
    ...(held.length ? [{ path: EVAL_TOKENIZED_FILE, lines: () => tokenizedLines(held) }] : []),
    ...(chats ? [{ path: MESSAGES_FILE, lines: () => messageLines(chats) }] : []),
    ...PYTHON_FILES,
    { path: AXOLOTL_FILE, text: axolotlYaml(input) },
    { path: "requirements.txt", text: REQUIREMENTS },
    ...accelerateFiles(input.settings),
  ];
}

/** A file's content as chunks, whichever way it is held. */
export function* fileChunks(file: ExportFile): Iterable<string | Uint8Array> {
  if ("text" in file) yield file.text;
  else if ("bytes" in file) yield file.bytes;
  else yield* file.lines();
}
