import { parseArgs, type ParseArgsConfig } from "node:util";

type ParsedResults<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** A user-facing CLI failure: printed as one line, exit code 2. */
export class CliError extends Error {
  override name = "CliError";
}

/** node:util's parseArgs, its refusals (an unknown flag, a missing value) as `COMMAND: message` CliErrors. */
export function parseCommandArgs<T extends ParseArgsConfig>(command: string, config: T): ParsedResults<T> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new CliError(`${command}: ${(err as Error).message}`);
  }
}
