// `mask --messages-file FILE --strategy S`: label one conversation under a masking strategy. The file
// holds any one record the dataset reader accepts ({"messages": [...], "tools": [...]}, a ShareGPT
// record, alpaca, prompt/completion) or a bare list of messages; chat-template renders it with the
// tokenizer's template (tools included), the other strategies with the notebook's text layout.
import { ChatTemplateError } from "../../core/chat/chatTemplate";
import { NOTEBOOK_TEMPLATES } from "../../core/chat/textFormat";
import { convertRecord } from "../../core/dataset/records";
import { DEFAULT_MASKING } from "../../core/defaults";
import { maskExample } from "../../core/masking/maskExample";
import { prepareMasking } from "../../core/masking/prepare";
import { STRATEGIES, type ChatExample, type Formatting, type StrategyName } from "../../core/types";
import { CliError, parseCommandArgs } from "../cliError";
import { loadTokenizerDir } from "../tokenizerDir";
import { printMask } from "./maskColours";
import { readMessagesJson } from "./maskTrainer";

export const CONVERSATION_HELP = `usage: npm run -s cli -- mask --tokenizer DIR|default --messages-file FILE --strategy ${STRATEGIES.join("|")} [--json]
FILE holds one record as the dataset reader reads it ({"messages": [...], "tools": [...]}, a ShareGPT
{"conversations": [...]} record with function_call/observation turns, alpaca, prompt/completion) or a
bare JSON list of messages. chat-template renders it with the tokenizer's chat template (its tools
section included); the other strategies use the notebook's text layout (tool calls as <tool_call> blocks).`;

function parseFlags(argv: string[]) {
  const { values } = parseCommandArgs("mask", {
    args: argv,
    strict: true,
    options: {
      tokenizer: { type: "string" },
      "messages-file": { type: "string" },
      strategy: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return null;
  if (values.tokenizer === undefined) throw new CliError("mask: --tokenizer DIR is required (a folder with tokenizer.json, or 'default')");
  const strategy = values.strategy;
  if (strategy === undefined || !STRATEGIES.some((s) => s === strategy)) {
    throw new CliError(`mask: --messages-file goes with --strategy ${STRATEGIES.join("|")} (or --trainer NAME), got ${strategy ?? "none"}`);
  }
  return {
    tokenizer: values.tokenizer,
    file: values["messages-file"] as string,
    strategy: strategy as StrategyName,
    json: values.json ?? false,
  };
}

/** The file's one conversation, read as the dataset reader reads a record. */
function readConversation(file: string): ChatExample {
  const value = readMessagesJson(file);
  const record = Array.isArray(value) ? { messages: value } : value;
  const outcome = convertRecord(record, null, "", NOTEBOOK_TEMPLATES);
  if (!("turns" in outcome)) throw new CliError(`mask: --messages-file ${file} at ${outcome.path || "the record"}: ${outcome.message}`);
  return { id: file, turns: outcome.turns, ...(outcome.tools ? { tools: outcome.tools } : {}) };
}

export function runConversationMask(argv: string[]): number {
  const flags = parseFlags(argv);
  if (flags === null) {
    process.stdout.write(`${CONVERSATION_HELP}\n`);
    return 0;
  }
  const example = readConversation(flags.file);
  const formatting: Formatting =
    flags.strategy === "chat-template" ? { kind: "chat-template" } : { kind: "text", templates: NOTEBOOK_TEMPLATES };
  // The plain layout: no markers inserted (the markers strategy inserts its own).
  const options = { ...DEFAULT_MASKING, strategy: flags.strategy, insertMarkers: false };
  const prepared = prepareMasking(loadTokenizerDir(flags.tokenizer), formatting, options);
  let masked;
  try {
    masked = maskExample(example, prepared, 1);
  } catch (err) {
    if (err instanceof ChatTemplateError) throw new CliError(`mask: ${err.message}`);
    throw err;
  }
  const warnings = [...prepared.warnings, ...masked.warnings].map((w) => w.message);
  if (flags.json) {
    const out = { text: masked.text, input_ids: masked.inputIds, labels: masked.labels, tokens: masked.tokens, warnings };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  }
  printMask(prepared.tokenizer, masked.inputIds, masked.labels, warnings);
  return 0;
}
