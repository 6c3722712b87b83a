// TRL ≤ 0.19: SFTTrainer with DataCollatorForCompletionOnlyLM (read at v0.19.1: trl/trainer/utils.py
// torch_call, trl/trainer/sft_trainer.py tokenize), deprecated in 0.17 and removed in 0.20. The
// label rule is the playground's completion-only strategy (masking/completionOnly.ts), which already
// reproduces the collator position for position; this preset adds what SFTTrainer 0.19 fed it
// (apply_chat_template(tokenize=True) for conversations, tokenizer(prompt + completion + EOS) for
// text rows) and the collator's own warnings, with why and the option that fixes them. Tool use: the
// row's tools go to apply_chat_template (sft_trainer.py 728-762, tokenize), and the collator, which knows
// no roles, trains a call or a result by where it falls: after a response template and before the next
// instruction template is trained (a ChatML tool result under "<|im_start|>user" is masked only when that
// is the instruction template).
import { completionOnlyLabels } from "../masking/completionOnly";
import { diagnoseTemplate, explainMismatch } from "../masking/templateDiagnosis";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type MaskWarning } from "../types";
import { failed, result, showTokens, withEos } from "./common";
import { bool, str, type OptionValues } from "./options";
import { renderTemplate } from "../chat/chatTemplate";
import { inputMessages, inputTools, TrainerOptionError, type TrainerExample, type TrainerInput } from "./types";

export const TRL_COLLATOR_OPTIONS = {
  response_template: str(null, "text (tokenized alone, as TRL does) or token ids [1,2,3] that start each answer; required"),
  instruction_template: str(null, "text or token ids [4,5] that start each user turn; without it only the last answer is trained"),
  padding_free: bool(false, "flatten the batch: the first token of each sequence gets no label"),
} as const;
export type TrlCollatorOptions = OptionValues<typeof TRL_COLLATOR_OPTIONS>;

const IDS = /^\[\s*\d+(\s*,\s*\d+)*\s*\]$/;

/** TRL takes `Union[str, list[int]]`; a value written as a JSON list of ids is the list. */
function templateIds(tokenizer: PlaygroundTokenizer, value: string, option: string): number[] {
  const ids = IDS.test(value) ? (JSON.parse(value) as number[]) : tokenizer.encode(value, false);
  if (ids.length === 0)
    throw new TrainerOptionError(`trl-collator: ${option}=${JSON.stringify(value)} tokenizes to no ids (TRL fails on it)`);
  return ids;
}

function inputIds(tokenizer: PlaygroundTokenizer, input: TrainerInput): number[] {
  if (input.kind === "text-prompt-completion") return tokenizer.encode(input.prompt + withEos(input.completion, tokenizer.eosToken), true);
  if (tokenizer.chatTemplate === null)
    throw new TrainerOptionError(`trl-collator: ${tokenizer.name} has no chat template to render a conversation with`);
  const messages = inputMessages(input, "trl-collator");
  return tokenizer.encode(renderTemplate(tokenizer.chatTemplate, tokenizer, messages, { kwargs: { tools: inputTools(input) } }), false);
}

function notFound(
  tokenizer: PlaygroundTokenizer,
  ids: number[],
  templateIdList: number[],
  value: string,
  which: "response" | "instruction",
): MaskWarning {
  const head = `TRL warns: "Could not find ${which} key \`${value}\` in the following instance … This instance will be ignored in loss calculation." Every label is -100.`;
  const pad = tokenizer.padId;
  if (pad !== null && templateIdList.includes(pad)) {
    return {
      code: "template-not-found",
      message: `${head} The ${which} template contains the pad token ${showTokens(tokenizer, [pad])} (id ${pad}); the collator sets every pad id in the labels to -100 before it searches them, so a template holding it can never match (trl#1191). Use a pad token the template does not contain, or a ${which}_template without it.`,
    };
  }
  // The template-versus-context picture goes with the warning, as the completion-only strategy's does.
  const mismatch = diagnoseTemplate(tokenizer, ids, templateIdList, which);
  // What to pass instead: the template's tokens as they occur in context, without the merged ones.
  const kept =
    mismatch && mismatch.inContext.start >= 0 ? mismatch.inContext.ids.filter((_id, i) => !mismatch.mergedPositions.includes(i)) : [];
  const fix = kept.length > 0 ? ` Here that is ${which}_template=[${kept.join(",")}] (${showTokens(tokenizer, kept)}).` : "";
  return {
    code: which === "response" ? "template-not-found" : "instruction-template-not-found",
    message: `${head}${explainMismatch(tokenizer, mismatch)}${fix} (trl#1820, trl#588)`,
    template: which,
    ...(mismatch ? { mismatch } : {}),
  };
}

export function maskTrlCollator(tokenizer: PlaygroundTokenizer, input: TrainerInput, options: TrlCollatorOptions): TrainerExample {
  if (options.response_template === null) {
    throw new TrainerOptionError(
      "trl-collator: DataCollatorForCompletionOnlyLM needs response_template= (the text or ids that start each answer)",
    );
  }
  const responseIds = templateIds(tokenizer, options.response_template, "response_template");
  const instructionIds =
    options.instruction_template === null ? null : templateIds(tokenizer, options.instruction_template, "instruction_template");
  let ids: number[];
  try {
    ids = inputIds(tokenizer, input);
  } catch (err) {
    if (err instanceof TrainerOptionError) throw err;
    return failed(tokenizer, [], (err as Error).message);
  }
  const r = completionOnlyLabels(ids, responseIds, instructionIds, tokenizer.padId);
  const warnings: MaskWarning[] = [];
  if (!r.responseFound) warnings.push(notFound(tokenizer, ids, responseIds, options.response_template, "response"));
  if (r.instructionFound === false && instructionIds !== null && options.instruction_template !== null) {
    warnings.push(notFound(tokenizer, ids, instructionIds, options.instruction_template, "instruction"));
  }
  const labels = r.labels;
  if (options.padding_free && labels.length > 0) labels[0] = IGNORE_INDEX;
  const eos = tokenizer.eosId;
  if (eos !== null && tokenizer.padId === eos && ids.includes(eos)) {
    warnings.push({
      code: "pad-is-eos",
      message: `The pad token of ${tokenizer.name} is its EOS ${showTokens(tokenizer, [eos])} (id ${eos}); the collator masks every pad id, so no EOS is ever trained and the model does not learn to stop (trl#1623, trl#976). Set tokenizer.pad_token to a token other than the EOS.`,
    });
  }
  // ≤ 0.19 keeps fully masked rows: they add nothing to the loss but still take a place in the batch.
  return result(tokenizer, ids, labels, warnings);
}
