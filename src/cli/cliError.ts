/** A user-facing CLI failure: printed as one line, exit code 2. */
export class CliError extends Error {
  override name = "CliError";
}
