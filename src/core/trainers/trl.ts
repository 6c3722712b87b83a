// TRL's SFTTrainer (TRL ≥ 0.20; read at v1.9.0: trl/trainer/sft_trainer.py __init__ and
// _prepare_dataset, trl/data_utils.py _tokenize, trl/chat_template_utils.py), position for position:
// - messages rows: the chat template's rendering, tokenized; every token is a label unless
//   assistant_only_loss keeps only tokens inside `{% generation %}` (transformers' assistant_masks);
// - prompt-completion rows: the prompt rendered with the generation prompt is the masked part
//   (completion_mask 0), everything after it trained, the end-of-turn token and the newline after
//   it included; completion_only_loss=None means "on for prompt-completion rows";
// - plain-text rows get the EOS appended to the completion, and tokenizer(prompt) marks the prompt;
// - masks combine as build_labels does: a token is trained only if every mask says so;
// - truncation to max_length (keep_start), then rows with no trained token are dropped;
// - padding_free: the first token of each sequence gets no label (position_ids == 0);
// - tool use: the row's `tools` go to every apply_chat_template call (sft_trainer.py 1457-1463, tokenize_fn),
//   and tool calls and results are whatever the template makes of them: under assistant_only_loss a call
//   inside {% generation %} trains and a result outside it does not; without it every token trains.
import { ChatTemplateError, renderTemplate, renderWithGenerationSpans } from "../chat/chatTemplate";
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type MaskWarning } from "../types";
import { failed, isPrefix, labelsFromMasks, ownTemplateDifference, result, showTokens, trainedCount, withEos } from "./common";
import { bool, int, optionalBool, str, type OptionValues } from "./options";
import { assistantMask } from "./assistantMask";
import { sha256Hex } from "./sha256";
import { isReproducedTrainingTemplate, knownStockTemplate, TRL_TRAINING_TEMPLATES } from "./trlTemplates";
import { inputMessages, inputTools, TrainerOptionError, type TrainerExample, type TrainerInput } from "./types";

export const TRL_OPTIONS = {
  completion_only_loss: optionalBool(null, "loss on the completion only; none: on for prompt-completion rows, off otherwise"),
  assistant_only_loss: bool(false, "loss on the tokens inside the template's {% generation %} blocks only"),
  chat_template_path: str(null, "a training template TRL ships, by file name: qwen3_training or llama3_training"),
  max_length: int(1024, "truncate to this many tokens (keep_start); rows then left with no trained token are dropped"),
  padding_free: bool(false, "flatten the batch: the first token of each sequence gets no label"),
  eos_token: str(null, "the EOS appended to plain-text completions (default: the tokenizer's)"),
} as const;
export type TrlOptions = OptionValues<typeof TRL_OPTIONS>;

/** TRL's has_generation_markers (chat_template_utils.py): `{% generation %}` with either trim marker. */
const HAS_GENERATION = /\{%-?\s*generation\s*-?%\}/;

const TRAINING_FIX =
  "Set SFTConfig(chat_template_path=...) to a template with {% generation %} blocks (here: chat_template_path=qwen3_training or llama3_training, TRL's own)";

/** The training template the option names: TRL takes a .jinja path, so `…/qwen3_training.jinja` works too. */
function namedTemplate(path: string): string {
  const name = path.replace(/^.*\//, "").replace(/\.(jinja|j2)$/, "");
  if (!isReproducedTrainingTemplate(name)) {
    throw new TrainerOptionError(
      `trl: chat_template_path=${JSON.stringify(path)}: the playground has TRL's qwen3_training and llama3_training templates; other files and tokenizers cannot be loaded here`,
    );
  }
  return TRL_TRAINING_TEMPLATES[name];
}

type TemplateChoice = { source: string; warnings: MaskWarning[] } | { error: string };

/** SFTTrainer.__init__: chat_template_path first; with assistant_only_loss, swap in a training template or fail. */
function chooseTemplate(tokenizer: PlaygroundTokenizer, options: TrlOptions): TemplateChoice {
  if (options.chat_template_path !== null) return { source: namedTemplate(options.chat_template_path), warnings: [] };
  const stock = tokenizer.chatTemplate;
  if (stock === null)
    return { error: `${tokenizer.name} has no chat template, so TRL cannot render a conversation; set chat_template_path.` };
  if (!options.assistant_only_loss || HAS_GENERATION.test(stock)) return { source: stock, warnings: [] };
  const known = knownStockTemplate(sha256Hex(stock));
  if (known === null) {
    return {
      error:
        'TRL raises ValueError: "The chat template is not training-compatible (missing prefix-preservation or `{% generation %}` markers) and patching is not supported for this template." ' +
        `assistant_only_loss needs {% generation %} blocks; ${tokenizer.name}'s template has none, and it is not byte for byte a stock template TRL knows, so TRL does not swap in one of its own (transformers#34172, trl#4879; TRL 0.19–1.0 swapped nothing and stopped with "at least one example has no assistant tokens"). ${TRAINING_FIX}.`,
    };
  }
  if (!isReproducedTrainingTemplate(known.training)) {
    return {
      error: `TRL recognises this template as its ${known.name}.jinja and swaps in ${known.training}.jinja, which the playground does not reproduce.`,
    };
  }
  const swapped: MaskWarning = {
    code: "trainer-template-swapped",
    message: `assistant_only_loss: ${tokenizer.name}'s template has no {% generation %} blocks but is TRL's ${known.name}.jinja, so TRL trains with its ${known.training}.jinja instead (get_training_chat_template).`,
  };
  return { source: TRL_TRAINING_TEMPLATES[known.training], warnings: [swapped] };
}

/** is_chat_template_stop_token_trained: the last non-blank assistant token of [user, assistant, user] must be an added token. */
function stopTokenTrained(tokenizer: PlaygroundTokenizer, source: string): boolean {
  const probe = ["user", "assistant", "user"].map((role) => ({ role, content: "dummy" }));
  try {
    const { text, spans } = renderWithGenerationSpans(source, tokenizer, probe);
    const ids = tokenizer.encode(text, false);
    const mask = assistantMask(tokenizer, ids, spans);
    const masked = ids.filter((_id, k) => mask[k] === 1);
    for (const id of [...masked].reverse()) {
      if (tokenizer.decode([id]).trim() === "") continue;
      // get_added_vocab(): special and runtime-added tokens stand for it here.
      return tokenizer.isSpecial(id) || tokenizer.isAdded(id);
    }
  } catch (err) {
    if (!(err instanceof ChatTemplateError)) throw err;
  }
  return false;
}

const PREFIX_MISMATCH: MaskWarning = {
  code: "trainer-prefix-mismatch",
  message:
    'TRL warns: "Mismatch between tokenized prompt and the start of tokenized prompt+completion." The prompt tokenized alone is not a prefix of prompt + completion (the two merged at the boundary), so completion_mask, which counts the prompt\'s tokens, is off by the merge.',
};

function tokenize(tokenizer: PlaygroundTokenizer, source: string | null, input: TrainerInput, options: TrlOptions) {
  let inputIds: number[];
  let promptIds: number[] | null = null;
  let assistantMasks: number[] | null = null;
  if (input.kind === "text-prompt-completion") {
    // add_eos: only non-conversational rows get the EOS appended (conversational ones end as the template ends them).
    promptIds = tokenizer.encode(input.prompt, true);
    inputIds = tokenizer.encode(input.prompt + withEos(input.completion, options.eos_token ?? tokenizer.eosToken), true);
  } else {
    const src = source as string;
    const kwargs = { tools: inputTools(input) };
    if (input.kind === "prompt-completion")
      promptIds = tokenizer.encode(renderTemplate(src, tokenizer, input.prompt, { addGenerationPrompt: true, kwargs }), false);
    const messages = inputMessages(input, "trl");
    if (options.assistant_only_loss) {
      const { text, spans } = renderWithGenerationSpans(src, tokenizer, messages, { kwargs });
      inputIds = tokenizer.encode(text, false);
      assistantMasks = assistantMask(tokenizer, inputIds, spans);
    } else inputIds = tokenizer.encode(renderTemplate(src, tokenizer, messages, { kwargs }), false);
  }
  if (promptIds === null) return { inputIds, completionMask: null, assistantMasks, warnings: [] };
  const promptLength = Math.min(promptIds.length, inputIds.length);
  return {
    inputIds,
    completionMask: inputIds.map((_id, k) => (k < promptLength ? 0 : 1)),
    assistantMasks,
    warnings: isPrefix(promptIds, inputIds) ? [] : [PREFIX_MISMATCH],
  };
}

export function maskTrl(tokenizer: PlaygroundTokenizer, input: TrainerInput, options: TrlOptions): TrainerExample {
  if (options.eos_token !== null && tokenizer.tokenId(options.eos_token) === null) {
    throw new TrainerOptionError(`trl: eos_token=${JSON.stringify(options.eos_token)} is not in the vocabulary of ${tokenizer.name}`);
  }
  const conversational = input.kind !== "text-prompt-completion";
  if (options.assistant_only_loss && !conversational) {
    return failed(
      tokenizer,
      [],
      'TRL raises ValueError: "You set `assistant_only_loss=True`, but the dataset is not conversational." Give the row as messages, or use completion_only_loss.',
    );
  }
  const warnings: MaskWarning[] = [];
  let source: string | null = null;
  if (conversational) {
    const chosen = chooseTemplate(tokenizer, options);
    if ("error" in chosen) return failed(tokenizer, [], chosen.error);
    source = chosen.source;
    warnings.push(...chosen.warnings);
  }
  const t = tokenize(tokenizer, source, input, options);
  warnings.push(...t.warnings);
  if (source !== null && source !== tokenizer.chatTemplate && tokenizer.chatTemplate !== null) {
    warnings.push(...inputIdsChange(tokenizer, input, t.inputIds));
  }
  if (options.assistant_only_loss && source !== null && !stopTokenTrained(tokenizer, source)) {
    warnings.push({
      code: "trainer-stop-token-untrained",
      message:
        'TRL warns: "The chat template does not include the assistant turn\'s end-of-turn token in the loss mask; the model may not learn to stop." Move the end-of-turn token inside the {% generation %} block.',
    });
  }
  if (t.assistantMasks !== null && !t.assistantMasks.includes(1)) {
    return failed(
      tokenizer,
      t.inputIds,
      'TRL raises RuntimeError: "You\'re using `assistant_only_loss=True`, but at least one example has no assistant tokens." The template renders no {% generation %} block for this conversation.',
    );
  }
  const completionOnly = options.completion_only_loss ?? input.kind !== "messages";
  if (options.completion_only_loss === true && t.completionMask === null) {
    warnings.push({
      code: "trainer-option-ignored",
      message:
        "completion_only_loss=true does nothing for a messages row: only prompt-completion rows have a completion mask, so TRL trains every token it is not told to mask. Use assistant_only_loss=true, or give the row as {prompt, completion}.",
    });
  }
  const masks = [...(completionOnly && t.completionMask ? [t.completionMask] : []), ...(t.assistantMasks ? [t.assistantMasks] : [])];
  let inputIds = t.inputIds;
  let labels = labelsFromMasks(inputIds, masks);
  if (options.max_length !== null) {
    inputIds = inputIds.slice(0, options.max_length);
    labels = labels.slice(0, options.max_length);
  }
  if (options.padding_free && labels.length > 0) labels[0] = IGNORE_INDEX;
  if (options.max_length !== null && trainedCount(labels) === 0) {
    warnings.push({
      code: "trainer-row-dropped",
      message: `TRL drops this row ("Dropping fully masked examples"): after truncation to max_length=${options.max_length} no token is trained, so it could only add a zero loss.`,
    });
    return result(tokenizer, inputIds, labels, warnings, "dropped");
  }
  return result(tokenizer, inputIds, labels, warnings);
}

/** The training template renders different text from the tokenizer's own, so the input ids change. */
function inputIdsChange(tokenizer: PlaygroundTokenizer, input: TrainerInput, ids: readonly number[]): MaskWarning[] {
  const diff = ownTemplateDifference(tokenizer, inputMessages(input, "trl"), inputTools(input), ids);
  if (diff === null) return [];
  const { at, own } = diff;
  return [
    {
      code: "trainer-template-swapped",
      message: `The training template changes the input ids themselves: ${ids.length} tokens against ${own.length} with ${tokenizer.name}'s own template, first different at position ${at} (${showTokens(tokenizer, ids.slice(at, at + 4))}). The model trains on text its own template does not produce at inference (for Qwen3: the <think> block on every earlier assistant turn).`,
    },
  ];
}
