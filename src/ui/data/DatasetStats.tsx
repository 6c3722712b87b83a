// The examples at a glance before training: their token lengths as a histogram, the trained share,
// what max_seq_length cuts, and the examples that teach nothing or repeat another, each a jump away.
import type { DatasetStats as DatasetStatsData } from "../../core/datasetStats";

/** The id of an example's row in the list, for the jumps here. */
export const exampleRowId = (index: number) => `example-row-${index}`;

/**
 * Scrolls an example's row to the top. Rows off screen skip layout (content-visibility: auto) and
 * are sized by estimate, so the row moves as the rows above it are laid out: scroll again on the next
 * frames until it stays put (a few frames at most).
 */
export function jumpToExample(index: number, framesLeft = 6): void {
  const row = document.getElementById(exampleRowId(index));
  if (!row) return;
  row.scrollIntoView({ block: "start" });
  requestAnimationFrame(() => {
    if (framesLeft > 0 && Math.abs(row.getBoundingClientRect().top) > 1) jumpToExample(index, framesLeft - 1);
  });
}

/** The first few examples of a list as jump buttons; the rest as a count. */
function Jumps({ indexes, what, jump }: { indexes: readonly number[]; what: string; jump: (index: number) => void }) {
  const shown = indexes.slice(0, 8);
  return (
    <>
      {shown.map((i) => (
        <button key={i} type="button" className="link-button" aria-label={`Go to example ${i + 1} (${what})`} onClick={() => jump(i)}>
          #{i + 1}
        </button>
      ))}
      {indexes.length > shown.length ? <span className="muted"> and {indexes.length - shown.length} more</span> : null}
    </>
  );
}

/** `jump` brings an example's row on screen (the list knows how: a long list renders only some rows). */
export function DatasetStats({
  stats,
  maxSeqLength,
  jump,
}: {
  stats: DatasetStatsData;
  maxSeqLength: number;
  jump: (index: number) => void;
}) {
  if (stats.examples === 0) return null;
  const tallest = Math.max(...stats.histogram.map((b) => b.count));
  const share = stats.tokens ? Math.round((100 * stats.trained) / stats.tokens) : 0;
  const { truncated } = stats;
  return (
    <details className="dataset-stats" data-testid="dataset-stats">
      <summary>
        Lengths {stats.lengths.min}–{stats.lengths.max} tokens (median {stats.lengths.median}) · {share}% trained ·{" "}
        <span data-testid="stats-truncated" data-count={truncated.examples} className={truncated.examples > 0 ? "totals-bad" : undefined}>
          {truncated.examples === 0
            ? `none cut by max_seq_length ${maxSeqLength}`
            : `${truncated.examples} cut by max_seq_length ${maxSeqLength}`}
        </span>
      </summary>
      <div
        className="histogram"
        role="img"
        aria-label={`Token lengths: ${stats.histogram.map((b) => `${b.count} of ${b.from}–${b.to - 1}`).join(", ")}`}
        data-testid="length-histogram"
      >
        {stats.histogram.map((b) => (
          <div
            key={b.from}
            className={`bar${b.to > maxSeqLength ? " over" : ""}`}
            title={`${b.from}–${b.to - 1} tokens: ${b.count} examples`}
          >
            <span style={{ height: `${tallest ? (100 * b.count) / tallest : 0}%` }} />
          </div>
        ))}
      </div>
      <p className="hint histogram-axis">
        <span>0</span>
        <span>{stats.histogram.at(-1)?.to ?? 0} tokens</span>
      </p>
      <ul className="stats-list">
        {truncated.examples > 0 ? (
          <li>
            max_seq_length {maxSeqLength} cuts {truncated.examples} example{truncated.examples === 1 ? "" : "s"}:{" "}
            {truncated.tokensCut.toLocaleString("en-US")} tokens, {truncated.trainedCut.toLocaleString("en-US")} of them trained. Raise it
            under Settings, or shorten those examples.
          </li>
        ) : null}
        {(
          [
            ["Template not found in", stats.templateNotFound, "template not found"],
            ["Nothing trained in", stats.nothingTrained, "nothing trained"],
            ["Repeats of an earlier example:", stats.duplicates, "a repeat"],
          ] as const
        ).map(([what, indexes, why]) =>
          indexes.length > 0 ? (
            <li key={why}>
              {what} {indexes.length}: <Jumps indexes={indexes} what={why} jump={jump} />
            </li>
          ) : null,
        )}
      </ul>
    </details>
  );
}
