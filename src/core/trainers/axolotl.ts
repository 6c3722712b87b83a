// axolotl's chat_template strategy (read at v0.18.0+9, commit 067b021c:
// src/axolotl/prompt_strategies/chat_template.py ChatTemplateStrategy._tokenize_single_prompt,
// find_turn, find_first_eot_token, _validate_eot_and_eos_tokens; defaults from StrategyLoader and
// src/axolotl/utils/schemas/datasets.py), position for position:
// - the whole conversation is rendered and tokenized once; every label starts masked;
// - a turn trains when its `message_field_training` flag says so, else when train_on_inputs is set
//   or its role is in roles_to_train;
// - find_turn locates a turn's tokens by rendering the conversation UP TO that turn twice, once with
//   the turn's content replaced by "[[dummy_message]]", and diffing the two token lists from the
//   front and from the back. Those positions are then used in the WHOLE conversation's ids, so a
//   template that renders a prefix differently from the whole conversation (Qwen3 puts the empty
//   <think> block only on the last assistant turn) shifts the span (axolotl#3088);
// - the first EOT (eot_tokens, default [eos_token]) and EOS at or after the turn's end, at most 3
//   tokens away, train per train_on_eot / train_on_eos: all, turn (trained turns), last, none.
// - tool use: the row's tools go to every rendering (_get_tools, chat_template.py 482-483 and find_turn
//   722-733); a message keeps tool_calls, tool_call_id and name (chat_template_msg_variables, 1157), a
//   call's arguments given as a JSON string are parsed, and one that does not parse stops axolotl
//   (transform_message 999-1013). find_turn's dummy turn is only {role, content} (704-707), so the span
//   found for an assistant turn covers its tool calls too: they train with it. A tool result has role
//   "tool", which roles_to_train does not hold by default: masked.
// Not reproduced: training_detail / reasoning_training_detail (per-character spans), split_thinking,
// and the legacy path taken only when roles_to_train, train_on_eos and train_on_eot are all
// empty (the config loader always fills train_on_eos, so it is not reachable from a config file).
import type { PlaygroundTokenizer } from "../tokenizer/playgroundTokenizer";
import { IGNORE_INDEX, type MaskWarning } from "../types";
import { failed, result, showTokens } from "./common";
import { bool, choice, list, str, type OptionValues } from "./options";
import { renderTemplate, type TemplateMessage, type Tools } from "../chat/chatTemplate";
import { inputMessages, inputTools, TrainerOptionError, type TrainerExample, type TrainerInput } from "./types";

const WHICH = ["all", "turn", "last", "none"] as const;
type Which = (typeof WHICH)[number];

export const AXOLOTL_OPTIONS = {
  roles_to_train: list(["assistant"], "roles whose turns are trained"),
  train_on_inputs: bool(false, "train every turn, whatever its role"),
  train_on_eos: choice(WHICH, "turn", "which EOS tokens train: all, turn (after trained turns), last, none"),
  train_on_eot: choice(WHICH, null, "which end-of-turn tokens train; none given: as train_on_eos"),
  eot_tokens: list(null, "end-of-turn tokens (default: the EOS)"),
  message_field_training: str(null, "the message key whose true/false says whether that turn trains"),
  drop_system_message: bool(false, "drop a leading system turn"),
  chat_template: choice(["tokenizer_default", "jinja"], "tokenizer_default", "the tokenizer's template, or chat_template_jinja"),
  chat_template_jinja: str(null, "the Jinja chat template to train with when chat_template=jinja"),
} as const;
export type AxolotlOptions = OptionValues<typeof AXOLOTL_OPTIONS>;

const DUMMY = "[[dummy_message]]";
/** ChatTemplatePrompter's default role map. */
const ROLES: Record<string, string> = {
  human: "user",
  user: "user",
  assistant: "assistant",
  gpt: "assistant",
  system: "system",
  tool: "tool",
};
const mapRole = (role: string) => (Object.hasOwn(ROLES, role) ? ROLES[role] : role);

interface Turn {
  message: TemplateMessage;
  training: boolean | null;
}

/** get_conversation_thread + transform_message: roles mapped, the training flag read off the message. */
function conversation(messages: readonly TemplateMessage[], options: AxolotlOptions): Turn[] {
  const field = options.message_field_training;
  let turns = messages.map((m) => {
    const { role, content, ...rest } = m;
    const message: TemplateMessage = { role: mapRole(role), content };
    if (typeof rest.reasoning_content === "string") message.reasoning_content = rest.reasoning_content;
    for (const key of ["tool_call_id", "name"] as const) if (rest[key] !== undefined && rest[key] !== null) message[key] = rest[key];
    if (Array.isArray(rest.tool_calls) && rest.tool_calls.length > 0) message.tool_calls = rest.tool_calls.map(parsedArguments);
    const flag = field === null ? undefined : m[field];
    if (flag !== undefined && flag !== null && typeof flag !== "boolean") {
      throw new TrainerOptionError(
        `axolotl: message_field_training=${field}: expected true or false in each message, got ${JSON.stringify(flag)}`,
      );
    }
    return { message, training: typeof flag === "boolean" ? flag : null };
  });
  if (options.drop_system_message && turns[0]?.message.role === "system") turns = turns.slice(1);
  return turns;
}

/** transform_message: a call's arguments written as a JSON string become the object (json.loads), or axolotl stops. */
function parsedArguments(call: unknown): unknown {
  const fn = (call as { function?: { name?: unknown; arguments?: unknown } }).function;
  if (typeof fn?.arguments !== "string") return call;
  try {
    return { ...(call as object), function: { ...fn, arguments: JSON.parse(fn.arguments) as unknown } };
  } catch (err) {
    throw new TrainerOptionError(
      `axolotl stops: "Error parsing tool_calls arguments as JSON. Function: ${String(fn.name)}, Arguments string: ${JSON.stringify(fn.arguments)}, Error: ${(err as Error).message}". Fix the call's arguments in the data (a JSON object, or a string holding one).`,
    );
  }
}

/** Python's `for i in range(start, len(ids))`: a start of -1 (no turn end found) first reads ids[-1]. */
function findFrom(ids: readonly number[], start: number, wanted: (id: number) => boolean): number {
  for (let i = start; i < ids.length; i++) if (wanted(ids.at(i) as number)) return i;
  return -1;
}

/** The EOT tokens axolotl keeps after _validate_eot_and_eos_tokens, and their single ids. */
function eotIds(tokenizer: PlaygroundTokenizer, source: string, options: AxolotlOptions, trainOnEot: Which, warnings: MaskWarning[]) {
  const eos = tokenizer.eosToken;
  let tokens = options.eot_tokens ?? (eos === null ? [] : [eos]);
  if (tokens.length === 1 && tokens[0] === eos) {
    if (!source.includes(eos) && !source.includes("eos_token")) {
      warnings.push({
        code: "trainer-stop-token-untrained",
        message: `axolotl warns: "EOS token '${eos}' not found in chat_template; the turn terminator won't be trained. Set \`eot_tokens\` to your template's turn-ending token."`,
      });
    }
  } else {
    for (const t of tokens.filter((t) => !source.includes(t)))
      warnings.push({
        code: "trainer-option-ignored",
        message: `axolotl warns: "EOT token '${t}' not found in chat_template." It is not used.`,
      });
    tokens = tokens.filter((t) => source.includes(t));
    for (const t of tokens) {
      const ids = tokenizer.encode(t, false);
      if (ids.length !== 1)
        throw new TrainerOptionError(
          `axolotl: EOT token '${t}' is encoded as multiple tokens: [${ids.join(", ")}]; add it under \`tokens:\` in the config`,
        );
    }
    if (eos !== null && tokens.includes(eos) && options.train_on_eos !== trainOnEot) {
      throw new TrainerOptionError(
        `axolotl: Conflict between train_on_eos and train_on_eot: eos_token ${eos} is in eot_tokens and train_on_eos (${options.train_on_eos}) != train_on_eot (${trainOnEot})`,
      );
    }
  }
  return new Set(
    tokens
      .map((t) => tokenizer.encode(t, false))
      .filter((ids) => ids.length === 1)
      .map((ids) => ids[0]),
  );
}

/** get_chat_template_from_config: tokenizer_default, or the jinja given (required with chat_template=jinja). */
function chooseTemplate(tokenizer: PlaygroundTokenizer, options: AxolotlOptions): string | null {
  if (options.chat_template !== "jinja") return tokenizer.chatTemplate;
  if (options.chat_template_jinja === null)
    throw new TrainerOptionError("axolotl: chat_template_jinja is required when chat_template is jinja");
  return options.chat_template_jinja;
}

function encode(tokenizer: PlaygroundTokenizer, source: string, turns: readonly Turn[], realLastIndex: number, tools: Tools): number[] {
  const messages = turns.map((t) => t.message);
  return tokenizer.encode(renderTemplate(source, tokenizer, messages, { kwargs: { real_last_index: realLastIndex, tools } }), false);
}

interface Span {
  start: number;
  end: number;
  /** The conversation rendered up to and including the turn, where start/end were found. */
  prefixIds: number[];
}

function findTurn(tokenizer: PlaygroundTokenizer, source: string, turns: readonly Turn[], index: number, tools: Tools): Span | null {
  const turn = turns[index].message;
  // "mistral/gemma3 does not output message if it contains only system message"
  if (index === 0 && turn.role === "system" && tokenizer.name.toLowerCase().includes("mistral")) return null;
  const realLast = turns.length - 1;
  const dummy = [...turns.slice(0, index), { message: { role: turn.role, content: DUMMY }, training: null }];
  const dummyIds = encode(tokenizer, source, dummy, realLast, tools);
  const fullIds = encode(tokenizer, source, turns.slice(0, index + 1), realLast, tools);
  if (dummyIds.length === 0 || fullIds.length === 0) return null;
  const minLen = Math.min(dummyIds.length, fullIds.length);
  let start = -1;
  for (let i = 0; i < minLen && start < 0; i++) if (dummyIds[i] !== fullIds[i]) start = i;
  let end = -1;
  for (let i = 0; i < minLen && end < 0; i++)
    if (dummyIds[dummyIds.length - 1 - i] !== fullIds[fullIds.length - 1 - i]) end = fullIds.length - i;
  if (start < 0 || end < 0 || end <= start) return null;
  return { start, end, prefixIds: fullIds };
}

/** axolotl#3088: the span was found in a rendering that is not a prefix of the real input ids. */
function lateSpanWarning(tokenizer: PlaygroundTokenizer, ids: readonly number[], span: Span, index: number): MaskWarning | null {
  const content = span.prefixIds.slice(span.start, span.end);
  const labelled = ids.slice(span.start, span.end);
  if (content.every((id, k) => labelled[k] === id)) return null;
  let at = -1;
  for (let p = span.start; p >= 0 && at < 0; p--) if (content.every((id, k) => ids[p + k] === id)) at = p;
  const shift = at >= 0 ? ` ${span.start - at} tokens late` : "";
  return {
    code: "trainer-late-turn-span",
    message: `Turn ${index + 1}: axolotl finds a turn's tokens in the conversation rendered only up to that turn (find_turn), and this template renders that prefix differently from the whole conversation (Qwen3 writes the empty <think> block only on the last assistant turn), so the span lands${shift} in the real input ids: it trains ${showTokens(tokenizer, labelled)} instead of ${showTokens(tokenizer, content)} (axolotl#3088). No axolotl option moves the span; a template that renders every assistant turn the same way (chat_template=jinja with chat_template_jinja=...) avoids it.`,
  };
}

export function maskAxolotl(tokenizer: PlaygroundTokenizer, input: TrainerInput, options: AxolotlOptions): TrainerExample {
  const source = chooseTemplate(tokenizer, options);
  if (source === null)
    return failed(tokenizer, [], `${tokenizer.name} has no chat template; set chat_template=jinja and chat_template_jinja.`);
  const turns = conversation(inputMessages(input, "axolotl"), options);
  const warnings: MaskWarning[] = [];
  const trainOnEot: Which = options.train_on_eot ?? (options.train_on_eos as Which);
  const trainOnEos = options.train_on_eos as Which;
  const eot = eotIds(tokenizer, source, options, trainOnEot, warnings);
  const roles = (options.roles_to_train ?? []).map(mapRole);
  const tools = inputTools(input);
  const ids = encode(tokenizer, source, turns, turns.length - 1, tools);
  const labels = ids.map(() => IGNORE_INDEX);
  let lastEot = -1;
  let lastEos = -1;
  turns.forEach((turn, index) => {
    const shouldTrain = turn.training ?? (options.train_on_inputs || roles.includes(turn.message.role));
    // An untrained turn is skipped unless its end tokens train under "all".
    if (!shouldTrain && trainOnEos !== "all" && trainOnEot !== "all") return;
    const span = findTurn(tokenizer, source, turns, index, tools);
    const start = span?.start ?? -1;
    const end = span?.end ?? -1;
    if (shouldTrain && span) {
      for (let k = start; k < Math.min(end, ids.length); k++) labels[k] = ids[k];
      const late = lateSpanWarning(tokenizer, ids, span, index);
      if (late) warnings.push(late);
    }
    for (const [kind, wanted, which] of [
      ["EOT", (id: number) => eot.has(id), trainOnEot],
      ["EOS", (id: number) => id === tokenizer.eosId, trainOnEos],
    ] as const) {
      const at = findFrom(ids, end, wanted);
      if (at === -1 || Math.abs(at - end) > 3) continue; // "Allow for some template padding"
      if (kind === "EOT") lastEot = at;
      else lastEos = at;
      if (which === "all" || (which === "turn" && shouldTrain)) labels[at] = ids[at];
    }
  });
  if (trainOnEot === "last" && lastEot !== -1) labels[lastEot] = ids[lastEot];
  if (trainOnEos === "last" && lastEos !== -1) labels[lastEos] = ids[lastEos];
  return result(tokenizer, ids, labels, warnings);
}
