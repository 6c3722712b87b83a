// The command-line entry: `npm run -s cli -- <command> [flags]`. Each command is a module in
// commands/ exporting `run(argv) → exit code`; every failure is one line on stderr and exit code 2.
import { register } from "node:module";
import { CliError } from "./cliError";

// Before any command loads: the export imports its Python files with `?raw`, which tsx cannot read.
register("./rawImportHooks.ts", import.meta.url);

/** Each command: its module, loaded when run, and its line in the usage. */
const COMMANDS = {
  mask: [() => import("./commands/mask"), "tokenize and label-mask text under a strategy (--help for flags)"],
  forward: [() => import("./commands/forward"), "logits, loss and LoRA gradients of a model"],
  generate: [() => import("./commands/generate"), "greedy generation with a model and an optional adapter"],
  train: [() => import("./commands/train"), "LoRA fine-tuning, headless; writes a PEFT adapter"],
  export: [() => import("./commands/export"), "the same run as a project for transformers + PEFT (accelerate, Slurm), TRL and axolotl"],
  evaluate: [() => import("./commands/evaluate"), "each example's loss with a PEFT adapter (compare with an export's evaluate.py)"],
  dataset: [() => import("./commands/dataset"), "read a dataset file (JSONL, JSON, CSV/TSV, Parquet) and report examples and problems"],
  pack: [() => import("./commands/pack"), "pack a dataset's tokenized examples into rows of max_seq_length (TRL's bfd or wrapped)"],
  share: [() => import("./commands/share"), "decode a share link (URL or #hash) to its playground, or encode a playground file to one"],
  merge: [() => import("./commands/merge"), "merge a PEFT adapter into its base: a Hugging Face model folder that loads without PEFT"],
  gguf: [() => import("./commands/gguf"), "a model (adapter merged in) as GGUF for llama.cpp and Ollama, with a Modelfile"],
} as const satisfies Record<string, readonly [() => Promise<{ run(argv: string[]): Promise<number> }>, string]>;

const USAGE = `usage: npm run -s cli -- <command> [flags]
commands:
${Object.entries(COMMANDS)
  .map(([name, [, summary]]) => `  ${name.padEnd(10)}${summary}`)
  .join("\n")}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) throw new CliError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(", ")}`);
  const [load] = COMMANDS[name as keyof typeof COMMANDS];
  return (await load()).run(rest);
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
