// `generate`: greedy continuation of token ids, with an optional PEFT adapter.

import { parseArgs } from "node:util";
import { z } from "zod";
import { CliError } from "../cliError";
import { COMMON_OPTIONS, backendFlag, idList, loadAdapterDir, loadModelDir, modelFlag, engineWithBackend, validate, withCliErrors } from "../engineArgs";

const HELP = `usage: npm run -s cli -- generate --model DIR --input-ids 1,2,3 --max-new-tokens N
         [--adapter DIR] [--no-eos-stop] [--backend cpu|wasm|webgpu] [--json]
Greedy decoding with a KV cache; stops after the config's EOS token unless --no-eos-stop.`;

const Flags = z.object({
  model: modelFlag,
  "input-ids": idList("--input-ids"),
  "max-new-tokens": z
    .string({ error: "--max-new-tokens N is required" })
    .regex(/^\d+$/, "--max-new-tokens expects a whole number")
    .transform(Number),
  adapter: z.string().optional(),
  "no-eos-stop": z.boolean().default(false),
  backend: backendFlag,
  json: z.boolean().default(false),
});

export async function run(argv: string[]): Promise<number> {
  return withCliErrors(async () => {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { ...COMMON_OPTIONS, "input-ids": { type: "string" }, "max-new-tokens": { type: "string" }, adapter: { type: "string" }, "no-eos-stop": { type: "boolean" } },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const f = validate(Flags, values);
    const engine = await engineWithBackend(f.backend);
    const model = await loadModelDir(engine, f.model);
    const bad = f["input-ids"].find((id) => id >= model.config.vocabSize);
    if (bad !== undefined) throw new CliError(`--input-ids: token id ${bad} is outside the vocabulary (size ${model.config.vocabSize})`);
    const lora = f.adapter ? await loadAdapterDir(engine, model, f.adapter) : null;
    const tokens = engine.generateGreedy(model, f["input-ids"], { maxNewTokens: f["max-new-tokens"], stopAtEos: !f["no-eos-stop"], lora });
    process.stdout.write(f.json ? `${JSON.stringify({ new_tokens: tokens })}\n` : `${tokens.join(",")}\n`);
    return 0;
  });
}
