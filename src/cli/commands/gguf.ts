// `gguf`: a model (with an adapter merged in, when given) as one GGUF file for llama.cpp and Ollama,
// with an Ollama Modelfile beside it: engine/export/ggufExport.ts, core/export/gguf/.

import { writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { chatFormat, ollamaModelfile } from "../../core/export/gguf/promptFormat";
import { GGUF_OUT_TYPES } from "../../core/export/gguf/quantise";
import { prepareMasking } from "../../core/masking/prepare";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { PlaygroundTokenizer } from "../../core/tokenizer/playgroundTokenizer";
import { engineCommand, modelFlag } from "../engineArgs";
import { exportSources, writeOutput } from "../modelFiles";
import { loadEngine } from "../tfjsNode";

const HELP = `usage: npm run -s cli -- gguf --model DIR|default [--adapter DIR] --type f32|f16|bf16|q8_0|q4_0 --out FILE [--name NAME] [--json]
Writes the model (the adapter merged in) as GGUF with llama.cpp's tensor names and keys, and an
Ollama Modelfile next to FILE with the page's prompt format and stop tokens (the tokenizer's chat
template when the page formats with it). Llama, Qwen2, Qwen3 and BLOOM; byte-level BPE tokenizers.`;

const Flags = z.object({
  model: modelFlag,
  adapter: z.string().optional(),
  type: z.enum(GGUF_OUT_TYPES, { error: `--type must be one of ${GGUF_OUT_TYPES.join(", ")}` }),
  out: z.string({ error: "--out FILE is required (the .gguf to write)" }),
  name: z.string().optional(),
  json: z.boolean().default(false),
});

export const run = engineCommand({ help: HELP, flags: Flags }, async (f) => {
  const engine = await loadEngine();
  const { dir, plan, tokenizer: files } = await exportSources(engine, f);
  const tokenizerJson = JSON.parse(files["tokenizer.json"]) as unknown;
  const tokenizerConfig = JSON.parse(files["tokenizer_config.json"]) as Record<string, unknown>;
  // The page's default prompt format for this tokenizer: what `train --model default` trained on and `generate --prompt` asks with.
  const tokenizer = PlaygroundTokenizer.fromFiles({ name: dir, tokenizerJson, tokenizerConfig });
  const chat = chatFormat(prepareMasking(tokenizer, DEFAULT_STATE.formatting, DEFAULT_STATE.masking));
  const name = f.name ?? path.basename(f.out).replace(/\.gguf$/i, "");
  const file = engine.ggufFile(path.basename(f.out), plan, {
    type: f.type,
    name,
    tokenizerJson,
    tokenizerConfig,
    chatTemplate: chat.chatTemplate,
  });
  const bytes = await writeOutput(path.dirname(f.out), file);
  const modelfile = path.join(path.dirname(f.out), "Modelfile");
  writeFileSync(modelfile, ollamaModelfile(path.basename(f.out), chat.format, chat.chatTemplate, chat.stops));
  process.stdout.write(
    f.json ? `${JSON.stringify({ out: f.out, bytes, modelfile })}\n` : `wrote ${f.out} (${bytes} bytes) and ${modelfile}\n`,
  );
  return 0;
});
