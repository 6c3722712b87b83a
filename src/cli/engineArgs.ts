// Shared pieces of the engine commands (forward, generate, train): common flags, loading a model
// or adapter folder from disk, and turning any failure into one line on stderr + exit code 2.

import { existsSync, openAsBlob, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { z } from "zod";
import { BACKENDS, type BackendName } from "../core/protocol";
import type { CausalLM, LoraAdapter, NamedSource } from "../engine/index";
import { CliError } from "./cliError";
import { loadEngine } from "./tfjsNode";

/** The engine module, loaded lazily (see tfjsNode.ts for why). */
export type Engine = Awaited<ReturnType<typeof loadEngine>>;

/** parseArgs option specs shared by every engine command. */
export const COMMON_OPTIONS = {
  model: { type: "string" },
  backend: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

// The protocol's backends but WebGL, which tfjs offers only in a browser.
const NODE_BACKENDS = z.enum(BACKENDS).exclude(["webgl"]).options;
const nodeBackend = z.enum(NODE_BACKENDS, { error: `--backend must be one of ${NODE_BACKENDS.join(", ")}` });
export const backendFlag = nodeBackend.optional();

/**
 * The backend when --backend is not given: cpu for model folders (exact, and what the fixture
 * comparisons use); wasm for the bundled default, whose 151k-token vocabulary makes each step about
 * six times faster there than on the cpu backend.
 */
export function backendFor(flag: BackendName | undefined, model: string): BackendName {
  return flag ?? (model === "default" ? "wasm" : "cpu");
}
export const modelFlag = z.string({
  error: "--model DIR is required (a folder with config.json and *.safetensors, or 'default' for the bundled model)",
});

/** "1,2,3" → [1, 2, 3]; `allowNegative` for labels (-100 = ignored). */
export function idList(flag: string, allowNegative = false) {
  const re = allowNegative ? /^-?\d+(,-?\d+)*$/ : /^\d+(,\d+)*$/;
  return z
    .string({ error: `${flag} is required (comma-separated token ids such as 1,2,3)` })
    .regex(re, `${flag} expects comma-separated ${allowNegative ? "integers such as -100,2,3" : "token ids such as 1,2,3"}`)
    .transform((s) => s.split(",").map(Number));
}

/** Validates parsed flags with `schema`, reporting the first problem as a CliError. */
export function validate<T extends z.ZodType>(schema: T, values: unknown): z.infer<T> {
  const r = schema.safeParse(values);
  if (!r.success) throw new CliError(r.error.issues[0].message);
  return r.data;
}

/** Runs a command body; any error becomes one stderr line and exit code 2. */
export async function withCliErrors(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message.split("\n")[0]}\n`);
    if (process.env.DEBUG) console.error(err);
    return 2;
  }
}
/**
 * An engine command: its help for --help, else its flags (COMMON_OPTIONS and `options`) parsed and
 * validated with `flags` and handed to `body`; any failure becomes one stderr line and exit code 2.
 */
export function engineCommand<S extends z.ZodType>(
  help: string,
  options: ParseArgsOptionsConfig,
  flags: S,
  body: (f: z.infer<S>) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return (argv) =>
    withCliErrors(async () => {
      const { values } = parseArgs({ args: argv, strict: true, options: { ...COMMON_OPTIONS, ...options } });
      if (values.help) {
        process.stdout.write(`${help}\n`);
        return 0;
      }
      return body(validate(flags, values));
    });
}

/** The CLI's next step after a backend could not start: the other --backend values it accepts. */
export function backendNextStep(failed: string): string {
  const others = NODE_BACKENDS.filter((b) => b !== failed);
  return `Run again with ${others.map((b) => `--backend ${b}`).join(" or ")}.`;
}

/** Loads the engine and activates the backend; silences tfjs's "install tfjs-node" banner. */
export async function engineWithBackend(name: BackendName): Promise<Engine> {
  const engine = await loadEngine();
  engine.tf.env().set("PROD", true);
  try {
    await engine.setBackend(name);
  } catch (err) {
    // The engine says what failed; the remedy is a flag, which only the CLI knows about.
    if (err instanceof engine.BackendError) throw new CliError(`${err.message} ${backendNextStep(err.backend)}`);
    throw err;
  }
  return engine;
}

function requireFile(file: string, what: string): void {
  if (!existsSync(file)) throw new CliError(`${file}: not found; ${what}`);
}

/**
 * Loads config.json and model.safetensors (or the shards named by model.safetensors.index.json)
 * from `dir`. Files are opened as Blobs, so only one tensor's raw bytes are in memory at a time.
 */
export async function loadModelDir(engine: Engine, dir: string): Promise<CausalLM> {
  const configFile = path.join(dir, "config.json");
  requireFile(configFile, "--model must be a folder with config.json and model.safetensors");
  const indexFile = path.join(dir, "model.safetensors.index.json");
  let files: string[];
  if (existsSync(indexFile)) files = engine.shardFilesFromIndex(readFileSync(indexFile, "utf8")).map((f) => path.join(dir, f));
  else files = [path.join(dir, "model.safetensors")];
  const sources: NamedSource[] = [];
  for (const f of files) {
    requireFile(f, "the model folder needs its safetensors weights (PyTorch .bin files are not supported)");
    sources.push({ name: f, source: await openAsBlob(f) });
  }
  return engine.loadModelFromFiles(readFileSync(configFile, "utf8"), sources);
}

/** Loads a PEFT adapter folder (adapter_config.json + adapter_model.safetensors). */
export async function loadAdapterDir(engine: Engine, model: CausalLM, dir: string): Promise<LoraAdapter> {
  const configFile = path.join(dir, "adapter_config.json");
  const weightsFile = path.join(dir, "adapter_model.safetensors");
  requireFile(configFile, "--adapter must be a PEFT adapter folder with adapter_config.json");
  requireFile(weightsFile, "--adapter must be a PEFT adapter folder with adapter_model.safetensors");
  const config = readFileSync(configFile, "utf8");
  // Tokens added for training (trainable_token_indices past the vocabulary) need their rows first, as
  // PEFT needs resize_token_embeddings before from_pretrained; the new rows are the mean, as in training.
  engine.resizeTokenEmbeddings(model, engine.adapterVocabSize(config, configFile));
  return engine.importAdapter(model, config, new Uint8Array(readFileSync(weightsFile)), weightsFile);
}
