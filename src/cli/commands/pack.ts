// `pack`: how a dataset packs into rows of max_seq_length under TRL's strategies (core/packing.ts),
// with the masking training uses (the page's defaults, as `train --model default`), as one JSON object
// or a line per row.
import { parseArgs } from "node:util";
import { packingSummary, planPacking, type RowPlan } from "../../core/packing";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { TRAINING_FIELDS } from "../../core/settings/trainingSettings";
import { CliError } from "../cliError";
import { defaultTrainingData } from "../defaultSetup";
import { settingsFromFlags } from "../settingsFlags";
import { loadTokenizerDir } from "../tokenizerDir";

const STRATEGIES = TRAINING_FIELDS.packing.options.filter((o) => o !== "none");

const HELP = `usage: npm run -s cli -- pack --tokenizer DIR|default --data FILE --max-seq-length N --packing ${STRATEGIES.join("|")} [--json]
Reads FILE as the page does, tokenizes and masks it as training does (the page's default formatting and
strategy), cuts each example to max_seq_length and packs the examples into rows of that length:
  bfd      best-fit decreasing; every example whole in one row, attending only to itself
  wrapped  concatenated and cut every max_seq_length tokens; attention crosses examples
--json prints {"rows": [{"length", "sequences": [{"example", "length"}]}], "sequences", "tokens",
"efficiency"}: "example" is the 0-based index of the dataset's example, efficiency = tokens / (rows × max_seq_length).`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        tokenizer: { type: "string" },
        data: { type: "string" },
        [TRAINING_FIELDS.maxSeqLength.flag]: { type: "string" },
        [TRAINING_FIELDS.packing.flag]: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (err) {
    throw new CliError(`pack: ${(err as Error).message}`);
  }
}

/** "row 1: 508 tokens: #12 (300), #4 (208)" */
const rowLine = (r: RowPlan, i: number) =>
  `row ${i + 1}: ${r.length} tokens: ${r.sequences.map((s) => `#${s.example} (${s.length})`).join(", ")}`;

export async function run(argv: string[]): Promise<number> {
  const f = parseFlags(argv);
  if (f.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (typeof f.tokenizer !== "string") throw new CliError("pack: --tokenizer DIR is required (a folder with tokenizer.json, or 'default')");
  if (typeof f.data !== "string") throw new CliError("pack: --data FILE is required (JSONL, JSON, CSV/TSV or Parquet)");
  const settings = settingsFromFlags(f, DEFAULT_STATE.training);
  const strategy = settings.packing;
  if (strategy === "none") throw new CliError(`pack: --packing ${STRATEGIES.join("|")} is required`);
  const tokenizer = loadTokenizerDir(f.tokenizer);
  const { data } = await defaultTrainingData(f.data, tokenizer, settings);
  const rows = planPacking(
    data.examples.map((e) => e.inputIds.length),
    settings.maxSeqLength,
    strategy,
  );
  const summary = packingSummary(rows, settings.maxSeqLength);
  if (f.json) {
    const out = {
      rows: rows.map((r) => ({ length: r.length, sequences: r.sequences.map(({ example, length }) => ({ example, length })) })),
      sequences: summary.sequences,
      tokens: summary.tokens,
      efficiency: summary.efficiency,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  }
  for (const [i, r] of rows.entries()) process.stdout.write(`${rowLine(r, i)}\n`);
  process.stdout.write(
    `${data.examples.length} examples → ${summary.rows} rows of max_seq_length ${settings.maxSeqLength} (${strategy}): ` +
      `${summary.sequences} sequences, ${summary.tokens} tokens, ${(100 * summary.efficiency).toFixed(1)}% filled\n`,
  );
  return 0;
}
