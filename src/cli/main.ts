// The command-line entry: `npm run -s cli -- <command> [flags]`. Each command is a module in
// commands/ exporting `run(argv) → exit code`; every failure is one line on stderr and exit code 2.
import { register } from "node:module";
import { CliError } from "./cliError";

// Before any command loads: the export imports its Python files with `?raw`, which tsx cannot read.
register("./rawImportHooks.ts", import.meta.url);

const COMMANDS = {
  mask: () => import("./commands/mask"),
  forward: () => import("./commands/forward"),
  generate: () => import("./commands/generate"),
  train: () => import("./commands/train"),
  export: () => import("./commands/export"),
  evaluate: () => import("./commands/evaluate"),
  dataset: () => import("./commands/dataset"),
  pack: () => import("./commands/pack"),
  share: () => import("./commands/share"),
  merge: () => import("./commands/merge"),
  gguf: () => import("./commands/gguf"),
} as const;

type CommandName = keyof typeof COMMANDS;

const USAGE = `usage: npm run -s cli -- <command> [flags]
commands:
  mask      tokenize and label-mask text under a strategy (--help for flags)
  forward   logits, loss and LoRA gradients of a model
  generate  greedy generation with a model and an optional adapter
  train     LoRA fine-tuning, headless; writes a PEFT adapter
  export    the same run as a project for transformers + PEFT (accelerate, Slurm), TRL and axolotl
  evaluate  each example's loss with a PEFT adapter (compare with an export's evaluate.py)
  dataset   read a dataset file (JSONL, JSON, CSV/TSV, Parquet) and report examples and problems
  pack      pack a dataset's tokenized examples into rows of max_seq_length (TRL's bfd or wrapped)
  share     decode a share link (URL or #hash) to its playground, or encode a playground file to one
  merge     merge a PEFT adapter into its base: a Hugging Face model folder that loads without PEFT
  gguf      a model (adapter merged in) as GGUF for llama.cpp and Ollama, with a Modelfile`;

function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (!isCommand(name)) throw new CliError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(", ")}`);
  const command = await COMMANDS[name]();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message.split("\n")[0]}\n`);
    if (!(err instanceof CliError) && process.env.DEBUG) console.error(err);
    process.exitCode = 2;
  },
);
