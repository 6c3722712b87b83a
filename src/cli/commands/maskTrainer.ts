// `mask --trainer NAME`: label a conversation as a real trainer would (TRL, the TRL ≤ 0.19 collator,
// axolotl, LLaMA-Factory, Unsloth), with that tool's own option names. Reached from `mask` when
// --trainer or --messages-file is given; the output has the shape of `mask --json`.
import { readFileSync } from "node:fs";
import { ChatTemplateError } from "../../core/chat/chatTemplate";
import { z } from "zod";
import { NOTEBOOK_TEMPLATES } from "../../core/chat/textFormat";
import { convertRecord } from "../../core/dataset/records";
import { maskWithTrainer, TRAINER_NAMES, TRAINERS } from "../../core/trainers";
import { parseTrainerInput } from "../../core/trainers/input";
import { describeOptions } from "../../core/trainers/options";
import { TrainerOptionError } from "../../core/trainers/types";
import type { ChatExample } from "../../core/types";
import { asCliError, CliError, command, readOrFail } from "../cliError";
import { loadTokenizerDir } from "../tokenizerDir";
import { printMask } from "./maskColours";

export const TRAINER_HELP = `usage: npm run -s cli -- mask --tokenizer DIR|default --messages-file FILE
         --trainer ${TRAINER_NAMES.join("|")} [--trainer-option KEY=VALUE]... [--json]
FILE holds one row: a JSON list of {role, content} messages (extra keys such as axolotl's
"training": false are kept), {"prompt": [...], "completion": [...]} or {"prompt": "...", "completion": "..."}.
Options use each tool's own names; booleans true/false, strings verbatim (newlines included), lists
comma-separated, none for None. outcome: kept, dropped (the tool removes the row) or error (the tool stops).
${TRAINERS.map((t) => `--trainer ${t.name}: ${t.label} (read from ${t.source})\n${describeOptions(t.options).join("\n")}`).join("\n")}`;

const Flags = z.object({
  trainer: z.enum(TRAINER_NAMES, {
    error: (iss) =>
      iss.input === undefined
        ? `--messages-file goes with --trainer NAME (one of ${TRAINER_NAMES.join(", ")})`
        : `--trainer must be one of ${TRAINER_NAMES.join(", ")}, got "${String(iss.input)}"`,
  }),
  tokenizer: z.string({ error: "--tokenizer DIR is required (a folder with tokenizer.json, or 'default')" }),
  "trainer-option": z.array(z.string()).default([]),
  "messages-file": z.string({ error: "--trainer needs --messages-file FILE (one conversation as JSON)" }),
  json: z.boolean().optional(),
});

/** The JSON in --messages-file, or a CliError saying why it cannot be read (`command`: who asks, "mask"). */
export function readMessagesJson(file: string, command = "mask"): unknown {
  const text = readOrFail(`${command}: cannot read --messages-file ${file}`, () => readFileSync(file, "utf8"));
  return readOrFail(`${command}: --messages-file ${file} is not valid JSON`, () => JSON.parse(text) as unknown);
}

/** A conversation record's turns and tools, read as the dataset reader reads a record; its problem a CliError. */
export function conversationOf(record: unknown, file: string, command: string): Pick<ChatExample, "turns" | "tools"> {
  const outcome = convertRecord(record, null, "", NOTEBOOK_TEMPLATES);
  if (!("turns" in outcome))
    throw new CliError(`${command}: --messages-file ${file} at ${outcome.path || "the record"}: ${outcome.message}`);
  return { turns: outcome.turns, ...(outcome.tools ? { tools: outcome.tools } : {}) };
}

export const runTrainerMask = command({ prefix: "mask: ", help: TRAINER_HELP, flags: Flags }, (flags) => {
  const file = flags["messages-file"];
  const row = parseTrainerInput(readMessagesJson(file));
  if (typeof row === "string") throw new CliError(`mask: --messages-file ${file}: ${row}`);
  const tokenizer = loadTokenizerDir(flags.tokenizer);
  const masked = asCliError(
    "mask",
    () => maskWithTrainer(flags.trainer, tokenizer, row, flags["trainer-option"]),
    TrainerOptionError,
    ChatTemplateError,
  );
  const warnings = masked.warnings.map((w) => w.message);
  const out = { input_ids: masked.inputIds, labels: masked.labels, tokens: masked.tokens, warnings, outcome: masked.outcome };
  return printMask(flags.json, tokenizer, out, `; ${flags.trainer}: ${masked.outcome}`);
});
