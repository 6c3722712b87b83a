// `mask --messages-file FILE --strategy S`: label one conversation under a masking strategy. The file
// holds any one record the dataset reader accepts ({"messages": [...], "tools": [...]}, a ShareGPT
// record, alpaca, prompt/completion) or a bare list of messages; chat-template renders it with the
// tokenizer's template (tools included), the other strategies with the notebook's text layout.
import { ChatTemplateError } from "../../core/chat/chatTemplate";
import { NOTEBOOK_TEMPLATES } from "../../core/chat/textFormat";
import { z } from "zod";
import { DEFAULT_MASKING } from "../../core/defaults";
import { maskExample } from "../../core/masking/maskExample";
import { prepareMasking } from "../../core/masking/prepare";
import { STRATEGIES, type ChatExample, type Formatting } from "../../core/types";
import { asCliError, command } from "../cliError";
import { loadTokenizerDir } from "../tokenizerDir";
import { printMask } from "./maskColours";
import { conversationOf, readMessagesJson } from "./maskTrainer";

export const CONVERSATION_HELP = `usage: npm run -s cli -- mask --tokenizer DIR|default --messages-file FILE --strategy ${STRATEGIES.join("|")} [--json]
FILE holds one record as the dataset reader reads it ({"messages": [...], "tools": [...]}, a ShareGPT
{"conversations": [...]} record with function_call/observation turns, alpaca, prompt/completion) or a
bare JSON list of messages. chat-template renders it with the tokenizer's chat template (its tools
section included); the other strategies use the notebook's text layout (tool calls as <tool_call> blocks).`;

const Flags = z.object({
  tokenizer: z.string({ error: "--tokenizer DIR is required (a folder with tokenizer.json, or 'default')" }),
  "messages-file": z.string(),
  strategy: z.enum(STRATEGIES, {
    error: (iss) => `--messages-file goes with --strategy ${STRATEGIES.join("|")} (or --trainer NAME), got ${String(iss.input ?? "none")}`,
  }),
  json: z.boolean().optional(),
});

export const runConversationMask = command({ prefix: "mask: ", help: CONVERSATION_HELP, flags: Flags }, (flags) => {
  const file = flags["messages-file"];
  const value = readMessagesJson(file);
  const example: ChatExample = { id: file, ...conversationOf(Array.isArray(value) ? { messages: value } : value, file, "mask") };
  const formatting: Formatting =
    flags.strategy === "chat-template" ? { kind: "chat-template" } : { kind: "text", templates: NOTEBOOK_TEMPLATES };
  // The plain layout: no markers inserted (the markers strategy inserts its own).
  const options = { ...DEFAULT_MASKING, strategy: flags.strategy, insertMarkers: false };
  const prepared = prepareMasking(loadTokenizerDir(flags.tokenizer), formatting, options);
  const masked = asCliError("mask", () => maskExample(example, prepared, 1), ChatTemplateError);
  const warnings = [...prepared.warnings, ...masked.warnings].map((w) => w.message);
  const out = { text: masked.text, input_ids: masked.inputIds, labels: masked.labels, tokens: masked.tokens, warnings };
  return printMask(flags.json, prepared.tokenizer, out);
});
