// Shared pieces of the engine commands (forward, generate, train, …): common flags, the backend,
// the engine. Their model and adapter folders are read by modelFiles.ts.

import { z } from "zod";
import { BACKENDS, type BackendName } from "../core/protocol";
import { CliError, command, type CommandSpec } from "./cliError";
import { loadEngine } from "./tfjsNode";

/** The engine module, loaded lazily (see tfjsNode.ts for why). */
export type Engine = Awaited<ReturnType<typeof loadEngine>>;

/** parseArgs option specs shared by every engine command. */
export const COMMON_OPTIONS = {
  model: { type: "string" },
  backend: { type: "string" },
  json: { type: "boolean" },
} as const;

// The protocol's backends but WebGL, which tfjs offers only in a browser.
const NODE_BACKENDS = z.enum(BACKENDS).exclude(["webgl"]).options;
export const backendFlag = z.enum(NODE_BACKENDS, { error: `--backend must be one of ${NODE_BACKENDS.join(", ")}` }).optional();

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

/** An engine command: `command` with COMMON_OPTIONS, which every engine command accepts. */
export function engineCommand<S extends z.ZodType>(
  spec: Omit<CommandSpec<S>, "prefix">,
  body: (f: z.infer<S>) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return command({ prefix: "", ...spec, options: { ...COMMON_OPTIONS, ...spec.options } }, body);
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
