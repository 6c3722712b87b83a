// `mask`: tokenize text and label it under a masking strategy, as JSON or as coloured tokens.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { NOTEBOOK_TEMPLATES } from "../../core/chat/textFormat";
import { decodeUtf8Whole, notUtf8Message } from "../../core/dataset/bytes";
import { maskText } from "../../core/masking/maskExample";
import { prepareMasking } from "../../core/masking/prepare";
import type { PlaygroundTokenizer } from "../../core/tokenizer/playgroundTokenizer";
import { STRATEGIES, type MaskingOptions, type TemplateSpec } from "../../core/types";
import { CliError, command, readOrFail } from "../cliError";
import { loadTokenizerDir } from "../tokenizerDir";
import { printMask } from "./maskColours";
import { runConversationMask } from "./maskConversation";
import { runTrainerMask } from "./maskTrainer";

// Every strategy but chat-template, which renders a conversation rather than masking a given text:
// the conversation form is `mask --messages-file` (maskConversation.ts, maskTrainer.ts).
const TEXT_STRATEGIES = STRATEGIES.filter((s) => s !== "chat-template");

const HELP = `usage: npm run -s cli -- mask --tokenizer DIR|default (--text STR | --text-file FILE)
         --strategy ${TEXT_STRATEGIES.join("|")}
         [--insert-markers] [--marker-start TOK] [--marker-end TOK]
         [--response-template STR | --response-template-ids 1,2,3]
         [--instruction-template STR | --instruction-template-ids 4,5]
         [--add-special-token STR]... [--json]
Text is used as given: pass real newlines (bash: $'\\n\\n### Human:').
--insert-markers applies the notebook's transform around its "\\n\\n### Human:" / "\\n\\n### Assistant:"
templates; --strategy special-tokens adds those two templates as special tokens.
A conversation (tool calls included): mask --tokenizer DIR|default --messages-file FILE --strategy NAME [--json]
What a trainer would train: mask --tokenizer DIR|default --messages-file FILE --trainer trl|trl-collator|axolotl|
llamafactory|unsloth [--trainer-option KEY=VALUE]... [--json]  (mask --trainer NAME --help for each tool's options)`;

// Kept as typed: whether each id is in the vocabulary is known once the tokenizer is loaded.
const idList = z
  .string()
  .regex(/^\d+(,\d+)*$/, "expected comma-separated token ids such as 1,2,3")
  .transform((s) => s.split(","));

/** A flag that, when given, must not be empty: `message` says what to give instead. */
const nonEmpty = (message: string) => z.string().min(1, message).optional();

const Flags = z
  .object({
    tokenizer: z.string({ error: "--tokenizer DIR is required (a folder with tokenizer.json, or 'default')" }),
    text: nonEmpty("--text is empty; give the text to tokenize"),
    "text-file": z.string().optional(),
    strategy: z.enum(TEXT_STRATEGIES, { error: `--strategy must be one of ${TEXT_STRATEGIES.join(", ")}` }),
    "insert-markers": z.boolean().optional(),
    "marker-start": z.string().optional(),
    "marker-end": z.string().optional(),
    "response-template": nonEmpty("--response-template is empty; give the text that starts each answer, e.g. $'\\n\\n### Assistant:'"),
    "response-template-ids": idList.optional(),
    "instruction-template": nonEmpty(
      "--instruction-template is empty; leave it out to mask through the response template only, or give the text that starts each instruction",
    ),
    "instruction-template-ids": idList.optional(),
    "add-special-token": z
      .array(z.string().min(1, "--add-special-token is empty; give the token's text, e.g. $'\\n\\n### Human:'"))
      .optional(),
    json: z.boolean().optional(),
  })
  .refine((f) => (f.text === undefined) !== (f["text-file"] === undefined), "give exactly one of --text and --text-file")
  .refine(
    (f) => !(f["response-template"] !== undefined && f["response-template-ids"]),
    "give --response-template or --response-template-ids, not both",
  )
  .refine(
    (f) => !(f["instruction-template"] !== undefined && f["instruction-template-ids"]),
    "give --instruction-template or --instruction-template-ids, not both",
  );

/** The text file, strictly UTF-8 as the dataset reader wants it: a wrong encoding is not turned into "�". */
function readText(flags: { text?: string; "text-file"?: string }): string {
  if (flags.text !== undefined) return flags.text;
  const file = flags["text-file"] as string;
  const decoded = decodeUtf8Whole(readOrFail(`mask: cannot read --text-file ${file}`, () => readFileSync(file)));
  if ("notUtf8" in decoded) {
    const { line, column, byte, byteOffset } = decoded.notUtf8;
    throw new CliError(`mask: --text-file ${file}:${line}:${column}: ${notUtf8Message(byte, byteOffset)}`);
  }
  if (decoded.text === "") throw new CliError(`mask: --text-file ${file} is empty; give a file with the text to tokenize`);
  return decoded.text;
}

function template(text: string | undefined, ids: string[] | undefined): TemplateSpec | null {
  if (ids) return { ids: ids.map(Number) };
  return text === undefined ? null : { text };
}

/** Every given id must be a token of the tokenizer (with the added ones); TRL would fail on it later. */
function checkTemplateIds(flag: string, typed: string[] | undefined, tokenizer: PlaygroundTokenizer): void {
  const bad = typed?.find((t) => !Number.isSafeInteger(Number(t)) || Number(t) >= tokenizer.vocabSize);
  if (bad === undefined) return;
  throw new CliError(
    `mask: --${flag}: ${bad} is not a token id of ${tokenizer.name}, whose ids run from 0 to ${tokenizer.vocabSize - 1}; ` +
      `give ids from its vocabulary (the "input_ids" of --json), or the template as text with --${flag.replace(/-ids$/, "")}`,
  );
}

const runText = command({ prefix: "mask: ", help: HELP, flags: Flags }, (flags) => {
  const text = readText(flags);
  const base = loadTokenizerDir(flags.tokenizer);
  const response = template(flags["response-template"], flags["response-template-ids"]);
  const instruction = template(flags["instruction-template"], flags["instruction-template-ids"]);
  if (flags.strategy === "completion-only" && response === null) {
    throw new CliError("mask: completion-only needs --response-template or --response-template-ids");
  }
  const options: MaskingOptions = {
    strategy: flags.strategy,
    markerStart: flags["marker-start"] ?? null,
    markerEnd: flags["marker-end"] ?? null,
    insertMarkers: flags["insert-markers"] ?? false,
    responseTemplate: response,
    // TRL without an instruction template masks through the response template only.
    instructionTemplate: instruction ?? { text: "" },
    addedSpecialTokens: flags["add-special-token"] ?? [],
  };
  // The marker transform is the notebook's add_special_tokens(), written for its two templates;
  // the collator templates above are matched separately, as in the notebook.
  const templates = NOTEBOOK_TEMPLATES;
  const prepared = prepareMasking(base, { kind: "text", templates }, options);
  checkTemplateIds("response-template-ids", flags["response-template-ids"], prepared.tokenizer);
  checkTemplateIds("instruction-template-ids", flags["instruction-template-ids"], prepared.tokenizer);
  const masked = maskText(text, prepared, 1);
  const warnings = [...prepared.warnings, ...masked.warnings].map((w) => w.message);

  return printMask(flags.json, prepared.tokenizer, {
    input_ids: masked.inputIds,
    labels: masked.labels,
    tokens: masked.tokens,
    template_ids: { response: prepared.responseIds ?? [], instruction: prepared.instructionIds ?? [] },
    added_tokens: prepared.addedTokens,
    warnings,
  });
});

export async function run(argv: string[]): Promise<number> {
  // The trainer presets take a conversation file and their own options: a command of their own.
  if (argv.some((a) => /^--trainer(=|$)/.test(a))) return runTrainerMask(argv);
  if (argv.some((a) => /^--messages-file(=|$)/.test(a))) return runConversationMask(argv);
  return runText(argv);
}
