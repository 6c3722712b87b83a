// `mask --trainer NAME`: label a conversation as a real trainer would (TRL, the TRL ≤ 0.19 collator,
// axolotl, LLaMA-Factory, Unsloth), with that tool's own option names. Reached from `mask` when
// --trainer or --messages-file is given; the output has the shape of `mask --json`.
import { readFileSync } from "node:fs";
import { ChatTemplateError } from "../../core/chat/chatTemplate";
import { maskWithTrainer, TRAINERS, type TrainerName } from "../../core/trainers";
import { parseTrainerInput } from "../../core/trainers/input";
import { describeOptions } from "../../core/trainers/options";
import { TrainerOptionError, type TrainerInput } from "../../core/trainers/types";
import { CliError, parseCommandArgs } from "../cliError";
import { loadTokenizerDir } from "../tokenizerDir";
import { printMask } from "./maskColours";

const NAMES = TRAINERS.map((t) => t.name);

export const TRAINER_HELP = `usage: npm run -s cli -- mask --tokenizer DIR|default --messages-file FILE
         --trainer ${NAMES.join("|")} [--trainer-option KEY=VALUE]... [--json]
FILE holds one row: a JSON list of {role, content} messages (extra keys such as axolotl's
"training": false are kept), {"prompt": [...], "completion": [...]} or {"prompt": "...", "completion": "..."}.
Options use each tool's own names; booleans true/false, strings verbatim (newlines included), lists
comma-separated, none for None. outcome: kept, dropped (the tool removes the row) or error (the tool stops).
${TRAINERS.map((t) => `--trainer ${t.name}: ${t.label} (read from ${t.source})\n${describeOptions(t.options).join("\n")}`).join("\n")}`;

function parseFlags(argv: string[]) {
  const { values } = parseCommandArgs("mask", {
    args: argv,
    strict: true,
    options: {
      tokenizer: { type: "string" },
      trainer: { type: "string" },
      "trainer-option": { type: "string", multiple: true },
      "messages-file": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return null;
  const trainer = values.trainer;
  if (trainer === undefined) throw new CliError("mask: --messages-file goes with --trainer NAME (one of " + NAMES.join(", ") + ")");
  if (!NAMES.some((n) => n === trainer)) throw new CliError(`mask: --trainer must be one of ${NAMES.join(", ")}, got "${trainer}"`);
  if (values.tokenizer === undefined) throw new CliError("mask: --tokenizer DIR is required (a folder with tokenizer.json, or 'default')");
  if (values["messages-file"] === undefined) throw new CliError("mask: --trainer needs --messages-file FILE (one conversation as JSON)");
  return {
    trainer: trainer as TrainerName,
    tokenizer: values.tokenizer,
    options: values["trainer-option"] ?? [],
    file: values["messages-file"],
    json: values.json ?? false,
  };
}

/** The JSON in --messages-file, or a CliError saying why it cannot be read (`command`: who asks, "mask"). */
export function readMessagesJson(file: string, command = "mask"): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(
      `${command}: cannot read --messages-file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${command}: --messages-file ${file} is not valid JSON (${(err as Error).message})`);
  }
}

function readRow(file: string): TrainerInput {
  const row = parseTrainerInput(readMessagesJson(file));
  if (typeof row === "string") throw new CliError(`mask: --messages-file ${file}: ${row}`);
  return row;
}

export function runTrainerMask(argv: string[]): number {
  const flags = parseFlags(argv);
  if (flags === null) {
    process.stdout.write(`${TRAINER_HELP}\n`);
    return 0;
  }
  const row = readRow(flags.file);
  const tokenizer = loadTokenizerDir(flags.tokenizer);
  let masked;
  try {
    masked = maskWithTrainer(flags.trainer, tokenizer, row, flags.options);
  } catch (err) {
    if (err instanceof TrainerOptionError || err instanceof ChatTemplateError) throw new CliError(`mask: ${err.message}`);
    throw err;
  }
  const warnings = masked.warnings.map((w) => w.message);
  if (flags.json) {
    const out = { input_ids: masked.inputIds, labels: masked.labels, tokens: masked.tokens, warnings, outcome: masked.outcome };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  }
  printMask(tokenizer, masked.inputIds, masked.labels, warnings, `; ${flags.trainer}: ${masked.outcome}`);
  return 0;
}
