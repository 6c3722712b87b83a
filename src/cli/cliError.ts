import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import type { z } from "zod";

/** A user-facing CLI failure: printed as one line, exit code 2. */
export class CliError extends Error {
  override name = "CliError";
}

/** A command's flags: node:util's parseArgs over `options` (--help besides), then `flags`'s schema. */
export interface CommandSpec<S extends z.ZodType> {
  /** Before each refusal: "mask: "; "" for the engine commands, whose messages name their flags. */
  prefix: string;
  help: string;
  options: ParseArgsOptionsConfig;
  flags: S;
  positionals?: boolean;
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
      const options = { help: { type: "boolean" }, ...spec.options } as const;
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

/** `read()`, its failure a CliError: `what (ENOENT)`, or the error's message where it has no code. */
export function readOrFail<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new CliError(`${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
