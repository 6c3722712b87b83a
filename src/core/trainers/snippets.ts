// Config out: the snippet that makes the tool do what the page shows, in the tool's own format
// (TRL: Python; axolotl and LLaMA-Factory: YAML; Unsloth: its function call), with the option
// values in force. Every option comes from the tool's table; only where each goes is written here.
import type { TrainerName } from ".";
import { scalar } from "../export/yamlScalar";
import { parseOptions } from "./options";
import type { RowShape } from "./pageRow";
import { trainerInfo, optionPairs, type TrainerChoice } from "./trainerView";

type Values = Record<string, unknown>;

/** A Python literal; JSON's string escapes are Python's too. */
function py(v: unknown): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (Array.isArray(v)) return `[${v.map(py).join(", ")}]`;
  return typeof v === "number" ? String(v) : JSON.stringify(v);
}

/** TRL's templates are Union[str, list[int]]: a value written as ids is the list. */
function templateValue(v: unknown): string {
  return typeof v === "string" && /^\[\s*\d+(\s*,\s*\d+)*\s*\]$/.test(v) ? `[${(JSON.parse(v) as number[]).join(", ")}]` : py(v);
}

const ROW_COMMENT: Record<RowShape, string> = {
  messages: '{"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}',
  "prompt-completion": '{"prompt": [{"role": "user", ...}], "completion": [{"role": "assistant", ...}]}',
  text: '{"prompt": "...### Assistant:", "completion": " ..."}',
};

/** `    key=value,` lines; a collator's *_template may be written as ids. */
function kwargs(values: Values, keys: readonly string[]): string[] {
  return keys.map((k) => `    ${k}=${k.endsWith("_template") ? templateValue(values[k]) : py(values[k])},`);
}

function trl(values: Values, row: RowShape): string {
  return [
    "from trl import SFTConfig, SFTTrainer  # trl>=0.20",
    "",
    `# dataset rows: ${ROW_COMMENT[row]}`,
    "config = SFTConfig(",
    ...kwargs(values, Object.keys(values)),
    ")",
    "trainer = SFTTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer)",
  ].join("\n");
}

function trlCollator(values: Values, row: RowShape): string {
  return [
    "from trl import DataCollatorForCompletionOnlyLM, SFTConfig, SFTTrainer  # trl<=0.19",
    "",
    `# dataset rows: ${ROW_COMMENT[row]}`,
    "collator = DataCollatorForCompletionOnlyLM(",
    ...kwargs(values, Object.keys(values)),
    "    tokenizer=tokenizer,",
    ")",
    "trainer = SFTTrainer(model=model, args=SFTConfig(), train_dataset=dataset, data_collator=collator, processing_class=tokenizer)",
  ].join("\n");
}

/** axolotl reads these at the top level of the config; the rest are keys of the dataset entry. */
const AXOLOTL_TOP_LEVEL = new Set(["train_on_inputs", "eot_tokens", "chat_template", "chat_template_jinja"]);

function axolotl(values: Values): string {
  const entries = Object.entries(values).filter(([, v]) => v !== null);
  const top = entries.filter(([k]) => AXOLOTL_TOP_LEVEL.has(k));
  const dataset = entries.filter(([k]) => !AXOLOTL_TOP_LEVEL.has(k));
  return [
    ...top.map(([k, v]) => `${k}: ${scalar(v)}`),
    "datasets:",
    "  - path: data.jsonl  # rows with a messages list",
    "    type: chat_template",
    "    field_messages: messages",
    ...dataset.map(([k, v]) => `    ${k}: ${scalar(v)}`),
  ].join("\n");
}

function llamaFactory(values: Values): string {
  const lines = ["stage: sft", "do_train: true", "finetuning_type: lora", "dataset: my_dataset  # sharegpt format, openai tags"];
  for (const [k, v] of Object.entries(values)) {
    if (k === "efficient_eos") {
      // Not a config key: a template attribute (register_template(..., efficient_eos=True)).
      if (v !== null) lines.push(`# efficient_eos=${py(v)}: set on the template, register_template(..., efficient_eos=${py(v)})`);
    } else if (v === null) {
      if (k === "template") lines.push("# template: none given, parsed from the tokenizer's chat template");
    } else lines.push(`${k}: ${scalar(v)}`);
  }
  return lines.join("\n");
}

function unsloth(values: Values): string {
  const auto = values.instruction_part === null && values.response_part === null;
  const keys = Object.keys(values).filter((k) => !(auto && (k === "instruction_part" || k === "response_part")));
  return [
    "from unsloth.chat_templates import train_on_responses_only",
    "",
    ...(auto ? ["# instruction_part and response_part not given: detected from the chat template"] : []),
    "trainer = train_on_responses_only(",
    "    trainer,",
    ...kwargs(values, keys),
    ")",
  ].join("\n");
}

const SNIPPETS: Record<TrainerName, (values: Values, row: RowShape) => string> = {
  trl,
  "trl-collator": trlCollator,
  axolotl,
  llamafactory: llamaFactory,
  unsloth,
};

/** The snippet for `choice`; throws TrainerOptionError when an option value is not one the tool takes. */
export function configSnippet(choice: TrainerChoice): string {
  const values = parseOptions(choice.trainer, trainerInfo(choice.trainer).options, optionPairs(choice.options)) as Values;
  return SNIPPETS[choice.trainer](values, choice.row);
}
