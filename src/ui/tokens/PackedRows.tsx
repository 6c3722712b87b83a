// The examples as the packed rows a step trains on, when packing is on: each row's sequences in boxes
// (bfd: walls attention does not cross, each sequence's first token not a target; wrapped: pieces of
// examples that attend across), with how full the rows are. The first rows only: enough to see it.
import { useMemo } from "react";
import { packedView } from "../../core/packedView";
import { usePlayground } from "../../store/playgroundStore";
import { NO_ROWS, useMaskView } from "../../store/useMaskView";
import { TokenChips } from "./TokenChips";
import "./packedRows.css";

const SHOWN_ROWS = 20;
/**
 * A list longer than this is packed here by its first examples only: packing needs every example's
 * chips, and a long list has those only for the rows on screen (its training packs them all).
 */
const PACKED_EXAMPLES = 200;

export function PackedRows() {
  const packing = usePlayground((s) => s.training.packing);
  const maxSeqLength = usePlayground((s) => s.training.maxSeqLength);
  const count = usePlayground((s) => s.examples.length);
  const sample = count > PACKED_EXAMPLES;
  const { result } = useMaskView(undefined, packing === "none" ? NO_ROWS : sample ? { start: 0, end: PACKED_EXAMPLES } : undefined);
  const view = useMemo(
    () => (packing === "none" || !result?.ok ? null : packedView(result.view, { maxSeqLength, packing }, SHOWN_ROWS)),
    [packing, maxSeqLength, result],
  );
  if (!view) return null;
  return (
    <section className="packed-rows" aria-label="Packed rows" data-testid="packed-rows" data-crosses={view.attentionCrosses}>
      <h3>Packed rows ({view.strategy})</h3>
      {sample ? (
        <p className="hint" data-testid="packed-sample">
          The first {PACKED_EXAMPLES} of the {count.toLocaleString("en-US")} examples, packed as training packs them all.
        </p>
      ) : null}
      <p className="hint" data-testid="packed-summary">
        {view.summary.sequences} {view.strategy === "wrapped" ? "pieces" : "sequences"} in {view.summary.rows} rows of max_seq_length{" "}
        {maxSeqLength}, {(100 * view.summary.efficiency).toFixed(1)}% filled.{" "}
        {view.attentionCrosses
          ? "Attention crosses from one example into the next within a row (TRL's wrapped)."
          : "Each sequence attends only to itself, its positions start at 0, and its first token is not a target (TRL's padding-free bfd)."}
      </p>
      {view.rows.map((row, i) => (
        <div key={i} className="packed-row" data-testid="packed-row">
          <span className="row-label">
            row {i + 1} · {row.length} tokens
          </span>
          {row.segments.map((s) => (
            <div key={`${s.example}-${s.start}`} className="packed-segment" data-example={s.example}>
              <span className="segment-label">
                example {s.example + 1}
                {s.start > 0 ? ` from token ${s.start}` : ""}
              </span>
              <TokenChips chips={s.chips} />
            </div>
          ))}
        </div>
      ))}
      {view.summary.rows > view.rows.length ? <p className="hint">… and {view.summary.rows - view.rows.length} more rows.</p> : null}
    </section>
  );
}
