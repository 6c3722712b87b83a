// `generate`: continuation of token ids, a prompt or a conversation, greedy or sampled with
// transformers' GenerationConfig fields (core/settings/generationSettings.ts), with an optional PEFT adapter.

import { z } from "zod";
import { CliError } from "../cliError";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { readNumber, type NumberField } from "../../core/settings/fields";
import { DEFAULT_GENERATION, GENERATION_ENTRIES, GENERATION_FIELDS, type GenerationSettings } from "../../core/settings/generationSettings";
import type { Turn } from "../../core/types";
import { isPlainRecord } from "../../core/dataset/recordValues";
import { defaultPrompt } from "../defaultSetup";
import { loadAdapterDir, loadAnyModel } from "../modelFiles";
import { backendFlag, backendFor, engineCommand, engineWithBackend, idList, modelFlag } from "../engineArgs";
import { conversationOf, readMessagesJson } from "./maskTrainer";

/** The sampling flags, from the table: --temperature N, --top-k N, --top-p N, --repetition-penalty N, --seed N. */
const NUMBER_FLAGS = GENERATION_ENTRIES.filter(
  (e): e is { key: keyof GenerationSettings; field: NumberField & { flag: string } } =>
    e.field.kind === "number" && e.field.flag !== null && e.key !== "maxNewTokens",
);

const samplingHelp = GENERATION_ENTRIES.filter((e) => e.key !== "maxNewTokens")
  .map(({ field }) => `  --${field.flag}${field.kind === "number" ? ` N (default ${field.default})` : ""}  ${field.name}: ${field.help}`)
  .join("\n");

const HELP = `usage: npm run -s cli -- generate --model DIR --input-ids 1,2,3 --max-new-tokens N
         [--adapter DIR] [--no-eos-stop] [sampling flags] [--backend cpu|wasm|webgpu] [--json]
       npm run -s cli -- generate --model default|DIR|FILE.gguf --prompt TEXT [--adapter DIR] [--max-new-tokens N] [sampling flags] [--json]
       npm run -s cli -- generate --model default|DIR|FILE.gguf --messages-file FILE [--adapter DIR] [--max-new-tokens N] [sampling flags] [--json]
Decoding with a KV cache; stops after the config's EOS token unless --no-eos-stop. --model takes
a model folder, "default" (the bundled model) or a GGUF file (dequantised into the engine).
--prompt (a model with its tokenizer: "default", a folder with tokenizer.json, a GGUF made here)
formats TEXT as a user turn the way the page formats the holdout prompt and prints
{"text": decoded new tokens, "new_tokens": [...], "finish": "eos"|"length"}; it stops at EOS or the end
marker. --prompt may be given several times: one answer (line) each, the model loaded once; without
--max-new-tokens it answers as the page's answers table does (${DEFAULT_STATE.training.maxNewTokens} tokens).
--messages-file FILE: one conversation (a JSON list of {role, content}, or a record as the dataset
reader reads it) that ends with the user's turn, formatted as the page's chat formats it; without
--max-new-tokens it answers as the chat panel does (${DEFAULT_GENERATION.maxNewTokens} tokens).
Sampling (greedy unless --do-sample; the repetition penalty applies to both), as transformers' generate():
${samplingHelp}`;

const Flags = z
  .object({
    model: modelFlag,
    "input-ids": idList("--input-ids").optional(),
    prompt: z.array(z.string()).optional(),
    "messages-file": z.string().optional(),
    "max-new-tokens": z.string().regex(/^\d+$/, "--max-new-tokens expects a whole number").transform(Number).optional(),
    adapter: z.string().optional(),
    "no-eos-stop": z.boolean().default(false),
    "do-sample": z.boolean().default(false),
    ...Object.fromEntries(NUMBER_FLAGS.map((e) => [e.field.flag, z.string().optional()])),
    backend: backendFlag,
    json: z.boolean().default(false),
  })
  .refine(
    (f) => [f["input-ids"], f.prompt, f["messages-file"]].filter((x) => x !== undefined).length === 1,
    "give exactly one of --input-ids, --prompt and --messages-file",
  )
  .refine((f) => f["input-ids"] === undefined || f["max-new-tokens"] !== undefined, "--max-new-tokens N is required with --input-ids");

/** The generation settings the flags give, each read and bounded as the chat panel's form reads it. */
function generationSettings(f: z.infer<typeof Flags>, maxNewTokens: number): GenerationSettings {
  const settings: GenerationSettings = { ...DEFAULT_GENERATION, doSample: f["do-sample"], maxNewTokens };
  const values = f as Record<string, unknown>;
  for (const { key, field } of NUMBER_FLAGS) {
    const text = values[field.flag];
    if (typeof text !== "string") continue;
    const read = readNumber(field, text);
    if (!read.ok) throw new CliError(`--${field.flag} ${read.message}`);
    Object.assign(settings, { [key]: read.value });
  }
  const readMax = readNumber(GENERATION_FIELDS.maxNewTokens, String(maxNewTokens));
  if (!readMax.ok) throw new CliError(`--max-new-tokens ${readMax.message}`);
  return settings;
}

/** What stands in for the answer while the dataset reader checks the conversation (it wants one last). */
const PLACEHOLDER_ANSWER = "…";

/**
 * The conversation in --messages-file (a JSON list of messages, or {"messages": [...], "tools": [...]}),
 * each message checked as the dataset reader checks a record's, ending with what the model answers.
 */
function conversationTurns(file: string): Turn[] {
  const value = readMessagesJson(file, "generate");
  const record = Array.isArray(value) ? { messages: value } : value;
  if (!isPlainRecord(record) || !Array.isArray(record.messages))
    throw new CliError(`generate: --messages-file ${file} holds no "messages" list; expected a JSON list of {"role", "content"} messages`);
  const messages = record.messages as unknown[];
  const last = messages.at(-1);
  const lastRole = isPlainRecord(last) ? String(last.role) : "no";
  if (lastRole === "assistant" || lastRole === "no")
    throw new CliError(
      `generate: --messages-file ${file} ends with ${lastRole === "no" ? "no message" : "the assistant's turn"}; end it with the user's message (or a tool result) for the model to answer`,
    );
  const answered = [...messages, { role: "assistant", content: PLACEHOLDER_ANSWER }];
  return conversationOf({ ...record, messages: answered }, file, "generate").turns.slice(0, -1);
}

export const run = engineCommand({ help: HELP, flags: Flags }, async (f) => {
  const conversations =
    f.prompt?.map((text): Turn[] => [{ role: "user", content: text }]) ??
    (f["messages-file"] !== undefined ? [conversationTurns(f["messages-file"])] : null);
  const defaultMax = f.prompt !== undefined ? DEFAULT_STATE.training.maxNewTokens : DEFAULT_GENERATION.maxNewTokens;
  const { maxNewTokens, ...sampling } = generationSettings(f, f["max-new-tokens"] ?? defaultMax);
  const engine = await engineWithBackend(backendFor(f.backend, f.model));
  const { model, tokenizer } = await loadAnyModel(engine, f.model);
  if (conversations !== null) {
    const flag = f.prompt !== undefined ? "--prompt" : "--messages-file";
    if (!tokenizer)
      throw new CliError(
        `${flag} needs --model default, or a model folder or GGUF that carries its tokenizer (${f.model} has none); use --input-ids`,
      );
    const lora = f.adapter ? await loadAdapterDir(engine, model, f.adapter) : null;
    for (const turns of conversations) {
      const { inputIds, stopIds } = defaultPrompt(tokenizer, turns);
      const { tokens, finish } = await engine.generate(model, inputIds, {
        maxNewTokens,
        eosTokenIds: stopIds,
        stopAtEos: !f["no-eos-stop"],
        lora,
        sampling,
      });
      const text = tokenizer.decode(tokens);
      process.stdout.write(f.json ? `${JSON.stringify({ text, new_tokens: tokens, finish })}\n` : `${text}\n`);
    }
    return 0;
  }
  const ids = f["input-ids"] as number[];
  // The adapter first: one with added tokens grows the vocabulary those ids may use.
  const lora = f.adapter ? await loadAdapterDir(engine, model, f.adapter) : null;
  const bad = ids.find((id) => id >= model.config.vocabSize);
  if (bad !== undefined) throw new CliError(`--input-ids: token id ${bad} is outside the vocabulary (size ${model.config.vocabSize})`);
  const { tokens, finish } = await engine.generate(model, ids, { maxNewTokens, stopAtEos: !f["no-eos-stop"], lora, sampling });
  process.stdout.write(f.json ? `${JSON.stringify({ new_tokens: tokens, finish })}\n` : `${tokens.join(",")}\n`);
  return 0;
});
