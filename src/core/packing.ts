// Packing tokenized, masked examples into rows of max_seq_length, as TRL 1.x's SFTTrainer does with
// `packing=True` (trl/data_utils.py, pack_dataset, at huggingface/trl f2cd577):
// - "bfd" (_pack_bfd with on_seq_length_overflow="truncate", data_utils.py:739–826): each example cut to
//   max_seq_length, sorted longest first, each put into the open row with the least room that still
//   fits it; the rows keep their sequences apart (TRL's seq_lengths column → position_ids that restart
//   at 0, and padding-free attention that never crosses a sequence).
// - "wrapped" (_pack_wrapped, data_utils.py:829–842): all examples concatenated and cut every
//   max_seq_length tokens; a row's attention crosses the examples in it, as TRL documents.
import type { TrainingSettings } from "./settings/trainingSettings";
import { IGNORE_INDEX, type TrainExample } from "./types";

export type Packing = TrainingSettings["packing"];
export type PackingStrategy = Exclude<Packing, "none">;

/** One example (or, wrapped, a piece of one) in a packed row. */
export interface PackedSequence {
  /** Its index among the examples that were packed. */
  example: number;
  length: number;
}

/** A row of packed examples: what the Trainer batches in place of examples when packing is on. */
export interface PackedRow extends TrainExample {
  /**
   * TRL's position_ids: 0, 1, … restarting at each sequence (bfd), or 0 … length−1 over the whole row
   * (wrapped, where TRL's collator is not padding-free and the row is one sequence to the model).
   */
  positionIds: number[];
  sequences: PackedSequence[];
}

/**
 * datasets' Dataset.map(batched=True) hands the packing function batch_size=1000 examples at a time
 * (its default; pack_dataset passes no other), so TRL packs each thousand examples on their own.
 */
export const PACKING_MAP_BATCH = 1000;

/**
 * Best-fit decreasing: `lengths` (each 1 … capacity) → bins of indices into `lengths`. Ties as TRL's:
 * equal lengths keep their order (a stable sort), and of the rows with the same room left the one that
 * got it first is filled first (its deque per room, popleft). A new row opens only when no open row fits.
 */
export function bestFitDecreasing(lengths: readonly number[], capacity: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a]);
  const bins: Array<{ ids: number[]; room: number }> = [];
  // The open rows by the room they have left, ascending; of equal rooms, the one that got it first
  // comes first (TRL's segment tree with a deque per room).
  const open: typeof bins = [];
  /** The first open row with at least `room` left, or (`after`) with more than `room`. */
  const search = (room: number, after: boolean) => {
    let lo = 0;
    let hi = open.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (open[mid].room < room || (after && open[mid].room === room)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const i of order) {
    const at = search(lengths[i], false);
    const bin = at < open.length ? open.splice(at, 1)[0] : { ids: [], room: capacity };
    if (bin.ids.length === 0) bins.push(bin);
    bin.ids.push(i);
    bin.room -= lengths[i];
    if (bin.room > 0) open.splice(search(bin.room, true), 0, bin);
  }
  return bins.map((b) => b.ids);
}

/** Where a row's tokens come from: `length` tokens of example `example` from its token `start` (0 under bfd). */
export interface PlannedSequence {
  example: number;
  start: number;
  length: number;
}

/** A packed row before its tokens are copied: its length and where they come from. */
export interface RowPlan {
  length: number;
  sequences: PlannedSequence[];
}

function planBfd(lengths: readonly number[], first: number, maxSeqLength: number): RowPlan[] {
  // _pack_bfd drops empty sequences, then cuts each to seq_length (pc.list_slice(column, 0, seq_length)).
  const kept = lengths.flatMap((n, i) => (n > 0 ? [{ example: first + i, start: 0, length: Math.min(n, maxSeqLength) }] : []));
  return bestFitDecreasing(
    kept.map((k) => k.length),
    maxSeqLength,
  ).map((ids) => {
    const sequences = ids.map((k) => kept[k]);
    return { length: sequences.reduce((n, q) => n + q.length, 0), sequences };
  });
}

function planWrapped(lengths: readonly number[], first: number, maxSeqLength: number): RowPlan[] {
  const rows: RowPlan[] = [];
  let row: RowPlan | null = null;
  lengths.forEach((total, i) => {
    for (let start = 0; start < total;) {
      if (!row || row.length === maxSeqLength) {
        row = { length: 0, sequences: [] };
        rows.push(row);
      }
      const length = Math.min(maxSeqLength - row.length, total - start);
      row.sequences.push({ example: first + i, start, length });
      row.length += length;
      start += length;
    }
  });
  return rows;
}

/** Examples' token counts → the rows they pack into, a thousand examples at a time as TRL does. */
export function planPacking(lengths: readonly number[], maxSeqLength: number, strategy: PackingStrategy): RowPlan[] {
  if (!Number.isInteger(maxSeqLength) || maxSeqLength < 1) throw new Error(`packing needs max_seq_length ≥ 1, not ${maxSeqLength}`);
  const plan = strategy === "bfd" ? planBfd : planWrapped;
  const rows: RowPlan[] = [];
  for (let first = 0; first < lengths.length; first += PACKING_MAP_BATCH) {
    rows.push(...plan(lengths.slice(first, first + PACKING_MAP_BATCH), first, maxSeqLength));
  }
  return rows;
}

/** A planned row's tokens, labels and position ids. */
function packedRow(examples: readonly TrainExample[], plan: RowPlan, strategy: PackingStrategy): PackedRow {
  const row: PackedRow = { inputIds: [], labels: [], positionIds: [], sequences: [] };
  for (const { example, start, length } of plan.sequences) {
    const e = examples[example];
    for (let t = 0; t < length; t++) {
      row.inputIds.push(e.inputIds[start + t]);
      // bfd: DataCollatorForLanguageModeling(padding_free=True) sets labels[position_ids == 0] = -100
      // (trl/trainer/sft_trainer.py, torch_call): the token before a sequence belongs to another one, so
      // the first token is never a target, as it is not in an unpacked row (the loss shifts it out).
      // wrapped: labels as they are; the row is one sequence (attention_mask of ones), so an example's
      // first token is a target of the previous example's last one, as in TRL.
      row.labels.push(strategy === "bfd" && t === 0 ? IGNORE_INDEX : e.labels[start + t]);
      row.positionIds.push(strategy === "bfd" ? t : row.positionIds.length);
    }
    row.sequences.push({ example, length });
  }
  return row;
}

/** Examples → packed rows of at most maxSeqLength tokens (planPacking's rows, with their tokens). */
export function packExamples(examples: readonly TrainExample[], maxSeqLength: number, strategy: PackingStrategy): PackedRow[] {
  examples.forEach((e, i) => {
    if (e.labels.length !== e.inputIds.length) {
      throw new Error(`example #${i + 1}: ${e.inputIds.length} input ids but ${e.labels.length} labels; they must be equally long`);
    }
  });
  const plans = planPacking(
    examples.map((e) => e.inputIds.length),
    maxSeqLength,
    strategy,
  );
  return plans.map((plan) => packedRow(examples, plan, strategy));
}

/**
 * Position ids → the sequence number (1, 2, …) of each token: a new sequence wherever the ids do not
 * step by one, as transformers' find_packed_sequence_indices reads packed position_ids
 * (masking_utils.py: (diff(position_ids) != 1).cumsum(-1)), counted from 1 so that 0 stays padding
 * in an attention mask (engine/batch.ts).
 */
export function sequenceNumbers(positionIds: readonly number[]): number[] {
  let n = 0;
  return positionIds.map((p, t) => (t === 0 || p !== positionIds[t - 1] + 1 ? ++n : n));
}

/** Rows, sequences and tokens; efficiency = tokens / (rows × max_seq_length), the share of the rows' positions that hold a token. */
export function packingSummary(rows: readonly RowPlan[], maxSeqLength: number) {
  const tokens = rows.reduce((n, r) => n + r.length, 0);
  const sequences = rows.reduce((n, r) => n + r.sequences.length, 0);
  return { rows: rows.length, sequences, tokens, efficiency: rows.length ? tokens / (rows.length * maxSeqLength) : 0 };
}
