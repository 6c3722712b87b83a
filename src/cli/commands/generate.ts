// `generate`: greedy continuation of token ids, with an optional PEFT adapter.

import { z } from "zod";
import { CliError } from "../cliError";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { defaultPrompt } from "../defaultSetup";
import { loadAnyModel } from "../modelFiles";
import { backendFlag, backendFor, engineCommand, engineWithBackend, idList, loadAdapterDir, modelFlag } from "../engineArgs";

const HELP = `usage: npm run -s cli -- generate --model DIR --input-ids 1,2,3 --max-new-tokens N
         [--adapter DIR] [--no-eos-stop] [--backend cpu|wasm|webgpu] [--json]
       npm run -s cli -- generate --model default|DIR|FILE.gguf --prompt TEXT [--adapter DIR] [--max-new-tokens N] [--json]
Greedy decoding with a KV cache; stops after the config's EOS token unless --no-eos-stop. --model takes
a model folder, "default" (the bundled model) or a GGUF file (dequantised into the engine).
--prompt (a model with its tokenizer: "default", a folder with tokenizer.json, a GGUF made here)
formats TEXT as a user turn the way the page formats the holdout prompt and prints
{"text": decoded new tokens, "new_tokens": [...]}; it stops at EOS or the end marker. --prompt may be
given several times: one answer (line) each, the model loaded once.`;

const Flags = z
  .object({
    model: modelFlag,
    "input-ids": idList("--input-ids").optional(),
    prompt: z.array(z.string()).optional(),
    "max-new-tokens": z.string().regex(/^\d+$/, "--max-new-tokens expects a whole number").transform(Number).optional(),
    adapter: z.string().optional(),
    "no-eos-stop": z.boolean().default(false),
    backend: backendFlag,
    json: z.boolean().default(false),
  })
  .refine((f) => (f["input-ids"] === undefined) !== (f.prompt === undefined), "give exactly one of --input-ids and --prompt")
  .refine((f) => f.prompt !== undefined || f["max-new-tokens"] !== undefined, "--max-new-tokens N is required with --input-ids");

export const run = engineCommand(
  HELP,
  {
    "input-ids": { type: "string" },
    prompt: { type: "string", multiple: true },
    "max-new-tokens": { type: "string" },
    adapter: { type: "string" },
    "no-eos-stop": { type: "boolean" },
  },
  Flags,
  async (f) => {
    const engine = await engineWithBackend(backendFor(f.backend, f.model));
    const { model, tokenizer } = await loadAnyModel(engine, f.model);
    if (f.prompt !== undefined) {
      if (!tokenizer)
        throw new CliError(
          `--prompt needs --model default, or a model folder or GGUF that carries its tokenizer (${f.model} has none); use --input-ids`,
        );
      const lora = f.adapter ? await loadAdapterDir(engine, model, f.adapter) : null;
      const maxNewTokens = f["max-new-tokens"] ?? DEFAULT_STATE.training.maxNewTokens;
      for (const prompt of f.prompt) {
        const { inputIds, stopIds } = defaultPrompt(tokenizer, prompt);
        const tokens = await engine.generateGreedy(model, inputIds, {
          maxNewTokens,
          eosTokenIds: stopIds,
          stopAtEos: !f["no-eos-stop"],
          lora,
        });
        const text = tokenizer.decode(tokens);
        process.stdout.write(f.json ? `${JSON.stringify({ text, new_tokens: tokens })}\n` : `${text}\n`);
      }
      return 0;
    }
    const ids = f["input-ids"] as number[];
    // The adapter first: one with added tokens grows the vocabulary those ids may use.
    const lora = f.adapter ? await loadAdapterDir(engine, model, f.adapter) : null;
    const bad = ids.find((id) => id >= model.config.vocabSize);
    if (bad !== undefined) throw new CliError(`--input-ids: token id ${bad} is outside the vocabulary (size ${model.config.vocabSize})`);
    const tokens = await engine.generateGreedy(model, ids, {
      maxNewTokens: f["max-new-tokens"] as number,
      stopAtEos: !f["no-eos-stop"],
      lora,
    });
    process.stdout.write(f.json ? `${JSON.stringify({ new_tokens: tokens })}\n` : `${tokens.join(",")}\n`);
    return 0;
  },
);
