// The chat templates TRL recognises and the training templates it swaps in (trl v1.9.0,
// trl/chat_template_utils.py get_training_chat_template, trl/chat_templates/README.md).
//
// TRL swaps a template only when `tokenizer.chat_template == <a file it ships>`, byte for byte. We
// keep the SHA-256 of each of those files instead of the files: the same test, and no copies.
// Digests are `git show v1.9.0:trl/chat_templates/NAME.jinja | sha256sum`.
//
// The two training templates here are written for the playground from the stock templates and the
// edits TRL's README lists; for messages with role/content (and Qwen3's reasoning_content) they
// render byte for byte what TRL's qwen3_training.jinja / llama3_training.jinja render (checked by
// rendering both on system, multi-turn, reasoning and tool-response conversations). Tool calls and
// the `tools` list are not rendered: playground conversations have neither.

/** Training templates the playground reproduces, by the name TRL gives their file. */
export const TRL_TRAINING_TEMPLATES = {
  // Qwen3: every assistant turn gets its <think> block (the stock template drops it before the last
  // user turn), and the assistant's output, <|im_end|> and its newline, is one generation block.
  qwen3_training:
    "{%- if messages[0].role == 'system' %}{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}{%- endif %}" +
    "{%- for message in messages %}" +
    "{%- if message.content is string %}{%- set content = message.content %}{%- else %}{%- set content = '' %}{%- endif %}" +
    "{%- if (message.role == 'user') or (message.role == 'system' and not loop.first) %}" +
    "{{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>\\n' }}" +
    "{%- elif message.role == 'assistant' %}" +
    "{%- set reasoning_content = '' %}" +
    "{%- if message.reasoning_content is string %}{%- set reasoning_content = message.reasoning_content %}" +
    "{%- elif '</think>' in content %}" +
    "{%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}" +
    "{%- set content = content.split('</think>')[-1].lstrip('\\n') %}" +
    "{%- endif %}" +
    "{{- '<|im_start|>' + message.role + '\\n' }}" +
    "{%- generation %}" +
    "{{- '<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') + '<|im_end|>\\n' }}" +
    "{%- endgeneration %}" +
    "{%- elif message.role == 'tool' %}" +
    "{%- if loop.first or (messages[loop.index0 - 1].role != 'tool') %}{{- '<|im_start|>user' }}{%- endif %}" +
    "{{- '\\n<tool_response>\\n' + content + '\\n</tool_response>' }}" +
    "{%- if loop.last or (messages[loop.index0 + 1].role != 'tool') %}{{- '<|im_end|>\\n' }}{%- endif %}" +
    "{%- endif %}" +
    "{%- endfor %}" +
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}" +
    "{%- if enable_thinking is defined and enable_thinking is false %}{{- '<think>\\n\\n</think>\\n\\n' }}{%- endif %}" +
    "{%- endif %}",
  // Llama 3: the same text as the stock template; the assistant's trimmed content and <|eot_id|> are
  // the generation block, its header is not.
  llama3_training:
    "{%- for message in messages %}" +
    "{%- if loop.index0 == 0 %}{{- bos_token }}{%- endif %}" +
    "{%- if message['role'] == 'assistant' %}" +
    "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}" +
    "{%- generation %}{{- message['content'] | trim + '<|eot_id|>' }}{%- endgeneration %}" +
    "{%- else %}" +
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}" +
    "{%- endif %}" +
    "{%- endfor %}" +
    "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}",
} as const;

export type TrlTrainingTemplateName = keyof typeof TRL_TRAINING_TEMPLATES;

/** The stock templates get_training_chat_template knows, by digest → its name (it returns NAME_training.jinja). */
const KNOWN_STOCK_TEMPLATES: Partial<Record<string, string>> = {
  "90c33aee14aa2a226127516d48ee9184c9b90745d4a04c484621ec2e82fb712c": "cohere",
  "2147c474f41b522b7296f74692b9f31e45f49a31465960576a9d321339c5915a": "cohere2",
  "563b1ce7d61d50a9b4c7439a912a1116f095b712df5b5e4d3e1116049874eb64": "deepseekv3",
  "9aeb7eac68ad87bba7567e9d4597ff203e5609f1b427d9e823437d0142cc61bf": "diffusion_gemma",
  ecd6ae513fe103f0eb62e8ab5bfa8d0fe45c1074fa398b089c93a7e70c15cfd6: "gemma",
  "7de1c58e208eda46e9c7f86397df37ec49883aeece39fb961e0a6b24088dd3c4": "gemma3",
  "44f815868bf02fa458dd2f741a338046f4bf45f398eb6d067766726b9d96cce3": "glm4moe",
  a4c9919cbbd4acdd51ccffe22da049264b1b73e59055fa58811a99efbd7c8146: "gptoss",
  "0d7e56ca41705b79932de707b22bc855c3cfcefae62f1ac5e458560654883d2e": "idefics3",
  cef187400d62a59507aab3a642ea9a8d2a2ef263562bc3430560e116945273cf: "lfm2",
  ba03a121d097859c7b5b9cd03af99aafe95275210d2876f642ad9929a150f122: "llama3",
  "2c17243a977fd0643fb549a509a8e2684f45517df0f9f608d5893b719f16569f": "llava_next",
  ab7813c3abdd9cb655905a410728b26c7884eca45ddfab8d9f931553485a7862: "nemotron_3_nano",
  "575fb74f54ed264df9047d0ecce3c98938aae953fb4f50356675706264cbb68a": "nemotron_3_super",
  "82753bef5cedc4932c1ed509b5c9a12be680fd86d1adb65bc3f7398d11c8eebc": "nemotron_3_ultra",
  dcaee66df77bfbb789ec541fe713218da30225a526f1db97138fc39ee6dc56aa: "phi3",
  "78d976a442bcde2f0be15aafbb8e3050e1104f86732266f68403251b89982a90": "phi3_5",
  cd8e9439f0570856fd70470bf8889ebd8b5d1107207f67a5efb46e342330527f: "qwen2_5",
  a0bc6f6fc7a29a80017a433e8f03a1cc1236e838a944a2d034295a60c4f2fddb: "qwen2_5_vl",
  a55ee1b1660128b7098723e0abcd92caa0788061051c62d51cbe87d9cf1974d8: "qwen3",
  "64f85b198065d0fba2a81f37e10ed68161ce2c19a754c7100e67e0ca2ee9c326": "qwen3_instruct_2507",
  "3636d0f0bd6bef02654cdffdc447b79cb2cef8ab02cc75267345946291a489e4": "qwen3_vl",
  "273d8e0e683b885071fb17e08d71e5f2a5ddfb5309756181681de4f5a1822d80": "qwen3_5_nothink",
  a4aee8afcf2e0711942cf848899be66016f8d14a889ff9ede07bca099c28f715: "qwen3_5_think",
  e84f32a23fdda27689f868aa4a1a5621f41133e51a48d7f3efcbea2839574259: "qwen3_6",
};

export function knownStockTemplate(digest: string): { name: string; training: string } | null {
  const name = KNOWN_STOCK_TEMPLATES[digest]; // a SHA-256 hex digest, never an Object.prototype key
  return name === undefined ? null : { name, training: `${name}_training` };
}

export function isReproducedTrainingTemplate(name: string): name is TrlTrainingTemplateName {
  return Object.hasOwn(TRL_TRAINING_TEMPLATES, name);
}
