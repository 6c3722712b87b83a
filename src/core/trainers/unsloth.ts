// Unsloth's train_on_responses_only (read at unsloth-zoo 2026.8.13, commit ce232d6c:
// unsloth_zoo/dataset_utils.py train_on_responses_only and sft_prepare_dataset), position for
// position, on the ids Unsloth's SFT preparation makes from the chat-template text (the rendered
// conversation, tokenized with special tokens unless the text or template already holds the BOS):
// - from the end of each response marker up to the start of the next instruction marker is trained,
//   and the last response runs to the end of the row; everything else is -100;
// - markers match as ids; with force_match=false they match tolerantly (the core common to the
//   marker written with 0-2 surrounding spaces/newlines, plus optional edge tokens). Reproduced as
//   written: an optional right-hand token is compared with the id AFTER the next one (input_ids[k+1]
//   where the token at k is the candidate), so it is rarely taken;
// - last_response_only keeps only the last span; rows left with no trained token are dropped, and
//   Unsloth stops when every row is ("All labels in your dataset are -100", unsloth#2900);
// - with neither marker given they are read off the chat template (get_chat_template_parts);
// - tool use: the row's tools go to apply_chat_template (sft_prepare_dataset, dataset_utils.py 2565-2577);
//   the markers know no roles, so a tool call after the response marker trains, and a tool result is
//   masked only when the template writes it under the instruction marker (ChatML's "<|im_start|>user"
//   <tool_response>); under any other header (Llama 3.1's "ipython") it trains with the answer before it.
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type MaskWarning } from "../types";
import { failed, result, showTokens, trainedCount } from "./common";
import { bool, str, type OptionValues } from "./options";
import { renderTemplate, type TemplateMessage } from "../chat/chatTemplate";
import { chatTemplateParts, findCommonTokenIds, type MarkerIds } from "./unslothParts";
import { tokenOffsets } from "../tokenizer/charOffsets";
import { inputMessages, inputTools, TrainerOptionError, type TrainerExample, type TrainerInput } from "./types";

export const UNSLOTH_OPTIONS = {
  instruction_part: str(
    null,
    'the marker that starts a user turn, e.g. "<|im_start|>user\\n" (none with response_part none: auto-detected)',
  ),
  response_part: str(null, 'the marker that starts an answer, e.g. "<|im_start|>assistant\\n"'),
  force_match: bool(true, "match the markers' own tokenization exactly; false: tolerate spaces/newlines folded around them"),
  last_response_only: bool(false, "train only the last answer"),
} as const;
export type UnslothOptions = OptionValues<typeof UNSLOTH_OPTIONS>;

/** The spans [assistant_k, user_j) of _train_on_responses_only, with Python's shared `k` kept as it is. */
export function responseSpans(ids: readonly number[], a: MarkerIds, q: MarkerIds): Array<[number, number]> {
  const n = ids.length;
  const last = n - 1;
  const matches = (at: number, pattern: readonly number[]) => at + pattern.length <= n && pattern.every((p, i) => ids[at + i] === p);
  const spans: Array<[number, number]> = [];
  let j = 0;
  let k = 0;
  // A match's optional edge tokens: those before j move j back, those after k (compared one id late) move k on.
  const widen = (m: MarkerIds) => {
    for (const optional of [...m.left].reverse()) {
      if (j < 1 || optional !== ids[j - 1]) break;
      j--;
    }
    for (const optional of m.right) {
      if (k >= last || optional !== ids[k + 1]) break;
      k++;
    }
  };
  while (j < n) {
    let isResponse = false;
    if (ids[j] === a.core[0]) {
      k = j + a.core.length; // the walrus in the condition assigns k even when the rest does not match
      isResponse = matches(j, a.core);
    }
    if (isResponse) {
      widen(a);
      const assistantK = k;
      j = assistantK;
      while (j < n) {
        let isUser = j === last;
        if (!isUser && ids[j] === q.core[0]) {
          k = j + q.core.length;
          isUser = matches(j, q.core);
        }
        if (isUser) {
          widen(q);
          let userJ = j;
          if (userJ !== last) j = k;
          else {
            userJ = n;
            k = n;
          }
          spans.push([assistantK, userJ]);
          break;
        }
        j++;
      }
    }
    j++;
  }
  return spans;
}

function markers(tokenizer: PlaygroundTokenizer, source: string, options: UnslothOptions): [string, string] {
  const { instruction_part: instruction, response_part: response } = options;
  if (instruction === null && response === null) {
    try {
      return chatTemplateParts(tokenizer, source);
    } catch (err) {
      throw new TrainerOptionError(`unsloth: ${(err as Error).message}`);
    }
  }
  if (instruction === null || response === null)
    throw new TrainerOptionError("unsloth: Give both instruction_part and response_part, or neither to auto-detect!");
  return [instruction, response];
}

function droppedMessage(tokenizer: PlaygroundTokenizer, text: string, response: string, ids: MarkerIds): string {
  const found = text.includes(response);
  const why = found
    ? ` The marker's text is in the row, but not as the ids ${showTokens(tokenizer, ids.core)}: the tokenizer merged it with its neighbours here. force_match=false tolerates merged spaces and newlines; otherwise pass a response_part as it is tokenized in context.`
    : " The marker's text is not in the row at all: response_part does not match this chat template.";
  return (
    `Unsloth drops this row ("Removed … samples … where all labels were -100"): no token is trained.${why}` +
    ' When every row is like this Unsloth stops instead: "train_on_responses_only masked every label to -100" (older releases: "ZeroDivisionError: Unsloth: All labels in your dataset are -100", unsloth#2900).'
  );
}

/** The tool results whose characters, found in order in the decoded row, fall on a trained token. */
function trainedToolResults(
  tokenizer: PlaygroundTokenizer,
  messages: readonly TemplateMessage[],
  ids: readonly number[],
  labels: readonly number[],
) {
  const { text, starts } = tokenOffsets(tokenizer, ids);
  const trained: TemplateMessage[] = [];
  let cursor = 0;
  for (const m of messages) {
    const at = m.content === "" ? -1 : text.indexOf(m.content, cursor);
    if (at < 0) continue;
    cursor = at + m.content.length;
    if (m.role !== "tool") continue;
    const covered = labels.some((label, k) => label !== IGNORE_INDEX && starts[k] < cursor && starts[k + 1] > at);
    if (covered) trained.push(m);
  }
  return trained;
}

export function maskUnsloth(tokenizer: PlaygroundTokenizer, input: TrainerInput, options: UnslothOptions): TrainerExample {
  const source = tokenizer.chatTemplate;
  if (source === null)
    return failed(tokenizer, [], `${tokenizer.name} has no chat template to format the conversation with (get_chat_template sets one).`);
  const [instruction, response] = markers(tokenizer, source, options);
  const q = findCommonTokenIds(tokenizer, instruction, options.force_match);
  const a = findCommonTokenIds(tokenizer, response, options.force_match);
  if (q.core.length === 0 || a.core.length === 0) {
    const which = q.core.length === 0 ? "instruction_part" : "response_part";
    throw new TrainerOptionError(
      `unsloth: ${which} could not be resolved to a stable token sequence, so it cannot be matched against your dataset`,
    );
  }
  const messages = inputMessages(input, "unsloth");
  const text = renderTemplate(source, tokenizer, messages, { kwargs: { tools: inputTools(input) } });
  // sft_prepare_dataset: "We found double BOS tokens - we shall remove one automatically."
  const bos = tokenizer.bosToken;
  const addSpecial = !(bos !== null && (text.startsWith(bos) || source.includes(bos)));
  const ids = tokenizer.encode(text, addSpecial);
  const spans = responseSpans(ids, a, q);
  const labels = ids.map(() => IGNORE_INDEX);
  for (const [from, to] of options.last_response_only ? spans.slice(-1) : spans) {
    for (let p = from; p < Math.min(to, ids.length); p++) labels[p] = ids[p];
  }
  const warnings: MaskWarning[] = [];
  if (options.instruction_part === null) {
    warnings.push({
      code: "trainer-markers-detected",
      message: `Unsloth auto-detected instruction_part = ${JSON.stringify(instruction)} and response_part = ${JSON.stringify(response)}.`,
    });
  }
  const trainedResults = trainedToolResults(tokenizer, messages, ids, labels);
  if (trainedResults.length > 0) {
    warnings.push({
      code: "trainer-tool-result-trained",
      message: `Unsloth trains ${trainedResults.length === 1 ? "a tool result" : `${trainedResults.length} tool results`} (${JSON.stringify(trainedResults[0].content.slice(0, 40))}): the template writes it after the response marker ${JSON.stringify(response)} and before any instruction marker ${JSON.stringify(instruction)}, so it falls in the answer's span. The model learns to write the tool's output itself. Pass an instruction_part that also starts tool results, or mask them before training.`,
    });
  }
  if (trainedCount(labels) === 0) {
    warnings.push({ code: "trainer-row-dropped", message: droppedMessage(tokenizer, text, response, a) });
    return result(tokenizer, ids, labels, warnings, "dropped");
  }
  return result(tokenizer, ids, labels, warnings);
}
