import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { z } from "zod";

/** A user-facing CLI failure: printed as one line, exit code 2. */
export class CliError extends Error {
  override name = "CliError";
}

/**
 * A command's flags: `flags`'s schema, whose fields are the flags node:util's parseArgs reads (with
 * --help and `options`, the flags the schema passes through unnamed), then the schema checks them.
 */
export interface CommandSpec<S extends z.ZodType> {
  /** Before each refusal: "mask: "; "" for the engine commands, whose messages name their flags. */
  prefix: string;
  help: string;
  flags: S;
  options?: ParseArgsOptionsConfig;
  positionals?: boolean;
}

/** The parseArgs options of a schema's fields: a boolean is a switch, an array a repeated string, the rest a string. */
function optionsOf(flags: z.ZodType): ParseArgsOptionsConfig {
  const { properties = {} } = z.toJSONSchema(flags, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, { type?: string }>;
  };
  return Object.fromEntries(
    Object.entries(properties).map(([name, p]) => [
      name,
      p.type === "boolean" ? { type: "boolean" } : { type: "string", multiple: p.type === "array" },
    ]),
  );
}

/**
 * A command's `run(argv)`: --help prints `help`; else the flags parsed and validated are handed to
 * `body`. Each refusal (an unknown flag, a missing value, the schema's first issue) is a CliError.
 */
export function command<S extends z.ZodType>(
  spec: CommandSpec<S>,
  body: (flags: z.infer<S>, positionals: string[]) => number | Promise<number>,
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    let parsed;
    try {
      const options = { help: { type: "boolean" }, ...optionsOf(spec.flags), ...spec.options } as const;
      parsed = parseArgs({ args: argv, strict: true, allowPositionals: spec.positionals ?? false, options });
    } catch (err) {
      throw new CliError(`${spec.prefix}${(err as Error).message}`);
    }
    if (parsed.values.help) {
      process.stdout.write(`${spec.help}\n`);
      return 0;
    }
    const r = spec.flags.safeParse(parsed.values);
    if (!r.success) {
      const issue = r.error.issues[0];
      const flag = issue.path.length > 0 ? `--${String(issue.path[0])}` : "";
      // Name the flag, unless the message already does ("--tokenizer DIR is required").
      throw new CliError(`${spec.prefix}${flag && !issue.message.includes(flag) ? `${flag}: ` : ""}${issue.message}`);
    }
    return body(r.data, parsed.positionals);
  };
}

/** `run()`, its error of one of `kinds` (of any kind, without kinds) a CliError `prefix: the error's message`. */
export function asCliError<T>(prefix: string, run: () => T, ...kinds: Array<abstract new (...args: never[]) => Error>): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof Error && (kinds.length === 0 || kinds.some((k) => err instanceof k)))
      throw new CliError(`${prefix}: ${err.message}`);
    throw err;
  }
}

/** `read()`, its failure a CliError: `what (ENOENT)`, or the error's message where it has no code. */
export function readOrFail<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new CliError(`${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
