// `pack`: how a dataset packs into rows of max_seq_length under TRL's strategies (core/packing.ts),
// with the masking training uses (the page's defaults, as `train --model default`), as one JSON object
// or a line per row.
import { z } from "zod";
import { packingSummary, planPacking, type RowPlan } from "../../core/packing";
import { DEFAULT_STATE } from "../../core/playgroundState";
import { TRAINING_FIELDS } from "../../core/settings/trainingSettings";
import { CliError, command } from "../cliError";
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

/** The two settings pack reads, passed through to settingsFromFlags. */
const OPTIONS = { [TRAINING_FIELDS.maxSeqLength.flag]: { type: "string" }, [TRAINING_FIELDS.packing.flag]: { type: "string" } } as const;

const Flags = z
  .object({
    tokenizer: z.string({ error: "--tokenizer DIR is required (a folder with tokenizer.json, or 'default')" }),
    data: z.string({ error: "--data FILE is required (JSONL, JSON, CSV/TSV or Parquet)" }),
    json: z.boolean().optional(),
  })
  .passthrough();

/** "row 1: 508 tokens: #12 (300), #4 (208)" */
const rowLine = (r: RowPlan, i: number) =>
  `row ${i + 1}: ${r.length} tokens: ${r.sequences.map((s) => `#${s.example} (${s.length})`).join(", ")}`;

export const run = command({ prefix: "pack: ", help: HELP, options: OPTIONS, flags: Flags }, async (f) => {
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
    const out = rows.map((r) => ({ length: r.length, sequences: r.sequences.map(({ example, length }) => ({ example, length })) }));
    const { sequences, tokens, efficiency } = summary;
    process.stdout.write(`${JSON.stringify({ rows: out, sequences, tokens, efficiency })}\n`);
    return 0;
  }
  for (const [i, r] of rows.entries()) process.stdout.write(`${rowLine(r, i)}\n`);
  process.stdout.write(
    `${data.examples.length} examples → ${summary.rows} rows of max_seq_length ${settings.maxSeqLength} (${strategy}): ` +
      `${summary.sequences} sequences, ${summary.tokens} tokens, ${(100 * summary.efficiency).toFixed(1)}% filled\n`,
  );
  return 0;
});
