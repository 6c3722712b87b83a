// `dataset FILE`: read a dataset file with the page's parsers and report what it holds, as JSON or
// as lines of `file:line:column path: message`. Exit 0 when at least one example was read, else 2.
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { z } from "zod";
import { formatDatasetError } from "../../core/dataset/collector";
import { readDataset } from "../../core/dataset/read";
import { CliError, command, readOrFail } from "../cliError";

const HELP = `usage: npm run -s cli -- dataset FILE [--json] [--instruction-template STR --response-template STR]
Reads JSONL, a JSON array, CSV/TSV or Parquet with text / messages / conversations /
instruction+output / prompt+completion records. Exit code 0 when at least one example was read.`;

const Flags = z
  .object({
    json: z.boolean().optional(),
    "instruction-template": z.string().optional(),
    "response-template": z.string().optional(),
  })
  .refine(
    (f) => (f["instruction-template"] === undefined) === (f["response-template"] === undefined),
    "give both --instruction-template and --response-template, or neither",
  );

export const run = command({ prefix: "dataset: ", help: HELP, flags: Flags, positionals: true }, async (f, positionals) => {
  if (positionals.length !== 1) throw new CliError("dataset: give exactly one FILE");
  const file = positionals[0];
  const { size } = readOrFail(`dataset: cannot read ${file}`, () => statSync(file));
  const templates =
    f["instruction-template"] !== undefined
      ? { instruction: f["instruction-template"], response: f["response-template"] as string }
      : undefined;
  const result = await readDataset(
    { name: basename(file), size, bytes: createReadStream(file, { highWaterMark: 1 << 20 }) },
    { templates, yieldToEventLoop: async () => {} },
  );
  // Tool use read from the file: how many calls the assistants make, and how many results answer them.
  const allTurns = result.examples.flatMap((e) => e.turns);
  const toolCalls = allTurns.reduce((n, t) => n + (t.toolCalls?.length ?? 0), 0);
  const toolResults = allTurns.filter((t) => t.role === "tool").length;
  if (f.json) {
    const out = {
      file: result.fileName,
      container: result.container,
      format: result.format,
      examples: result.examples.length,
      turns: result.turns,
      tool_calls: toolCalls,
      tool_results: toolResults,
      records: result.records,
      skipped: result.skipped,
      errors: result.errors.map(({ reason, line, column, row, path, message }) => ({
        reason,
        line,
        column,
        ...(row !== undefined ? { row } : {}),
        path,
        message,
      })),
      errors_omitted: result.errorsOmitted,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    for (const e of result.errors) process.stdout.write(`${formatDatasetError(result.fileName, e)}\n`);
    if (result.errorsOmitted) process.stdout.write(`… and ${result.errorsOmitted} more problems\n`);
    const skipped = Object.entries(result.skipped)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
    process.stdout.write(
      `${result.fileName}: ${result.container ?? "?"} / ${result.format ?? "no recognised format"}: ${result.examples.length} examples, ${result.turns} turns${toolCalls ? `, ${toolCalls} tool calls, ${toolResults} tool results` : ""}${skipped ? `; skipped ${skipped}` : ""}\n`,
    );
  }
  return result.examples.length > 0 ? 0 : 2;
});
