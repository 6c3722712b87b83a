// The working area: each example's editor beside its tokens, so an edit shows its effect on the
// label mask right away; in compare mode each example shows both strategies. A list too long to
// view whole (a dataset) renders and masks only the rows on screen; its summary comes from the
// dataset worker's tokenization of every example (services/datasetTokens.ts).
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useMemo, useRef } from "react";
import { datasetStats, tokenizedViews, type TokenizedExamples } from "../../core/datasetStats";
import { flatLength } from "../../core/flatExamples";
import { tokenizedInWorker, tokenizedList } from "../../services/datasetTokens";
import { usePlayground } from "../../store/playgroundStore";
import type { DatasetTokens } from "../../store/state";
import { useMaskView, type RowRange, type ViewSide } from "../../store/useMaskView";
import { CompareTokens, ExampleTokens, repeatedWarningCodes } from "../tokens/ExampleTokens";
import { DatasetStats, exampleRowId, jumpToExample } from "../data/DatasetStats";
import { WarningBox } from "../tokens/WarningBox";
import { ExampleEditor } from "./ExampleEditor";

/** A row's height before it is measured: an Alpaca example's editor beside its chips. */
const ROW_ESTIMATE = 320;

/** The whole list tokenized: from the page's views of it when it views it whole, else from the worker. */
function useTokenized(windowed: boolean, views: TokenizedExamples | null): TokenizedExamples | null {
  const examples = usePlayground((s) => s.examples);
  usePlayground((s) => s.datasetTokens); // re-render when the worker's list is ready
  return windowed ? tokenizedList(examples) : views;
}

export function ExampleList() {
  const examples = usePlayground((s) => s.examples);
  const windowed = tokenizedInWorker(examples);
  const listRef = useRef<HTMLDivElement>(null);
  const virtualizer = useWindowVirtualizer({
    count: windowed ? examples.length : 0,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 2,
    // Rows rendered in React's own task after a scroll, not inside the scroll event: fast scrolling
    // batches into fewer renders.
    useFlushSync: false,
    scrollMargin: listRef.current?.offsetTop ?? 0,
    // Stable across renders: the virtualizer measures all 52,000 rows again when it changes.
    getItemKey: useCallback((i: number) => examples[i]?.id ?? i, [examples]),
  });
  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index ?? 0;
  const endRow = (rows.at(-1)?.index ?? -1) + 1;
  const range: RowRange | undefined = useMemo(
    () => (windowed ? { start: firstRow, end: endRow } : undefined),
    [windowed, firstRow, endRow],
  );
  const jump = useCallback(
    (index: number) => (windowed ? virtualizer.scrollToIndex(index, { align: "start" }) : jumpToExample(index)),
    [windowed, virtualizer],
  );
  const addExample = usePlayground((s) => s.addExample);
  const compare = usePlayground((s) => s.compare);
  const strategy = usePlayground((s) => s.masking.strategy);
  const trainer = usePlayground((s) => s.trainer.name);
  // Memoized so the memo'd chips do not re-render for a new but equal side.
  const first: ViewSide = useMemo(() => ({ strategy, trainer }), [strategy, trainer]);
  const other: ViewSide = useMemo(
    () => (compare.enabled ? { strategy: compare.strategy, trainer: compare.trainer } : first),
    [compare.enabled, compare.strategy, compare.trainer, first],
  );
  const { result, pending } = useMaskView(first, range);
  const { result: second } = useMaskView(other, range);
  const maxSeqLength = usePlayground((s) => s.training.maxSeqLength);
  const tokens = usePlayground((s) => s.datasetTokens);
  const viewed = useMemo(() => (result?.ok && !windowed ? tokenizedViews(result.view.examples) : null), [result, windowed]);
  const tokenized = useTokenized(windowed, viewed);
  // One pass over the examples for the totals line and the dataset summary below it.
  const stats = useMemo(() => (tokenized ? datasetStats(tokenized, maxSeqLength) : null), [tokenized, maxSeqLength]);

  if (!result)
    return (
      <p className="status loading" data-testid="view-pending">
        <span className="spinner" aria-hidden="true" /> Loading the tokenizer before the examples can be tokenized…
      </p>
    );
  if (!result.ok) {
    return (
      <div className="message error" role="alert" data-testid="view-error">
        <strong>The examples could not be masked with these settings.</strong> {result.error} Change the strategy options or the special
        tokens; your examples are unchanged.
      </div>
    );
  }
  const { view } = result;
  const tok = view.prepared.tokenizer;
  const secondView = compare.enabled && second?.ok ? second.view : null;
  const shownFrom = range?.start ?? 0;
  // Empty examples are counted as such elsewhere; "teach nothing" is about examples with tokens.
  const silent = stats && tokenized ? stats.nothingTrained.filter((i) => flatLength(tokenized.tokens, i) > 0).length : 0;
  const repeated = repeatedWarningCodes(view.examples);
  const repeatedSecond = secondView ? repeatedWarningCodes(secondView.examples) : [];

  const row = (i: number) => {
    const example = examples[i];
    const v = view.examples[i - shownFrom];
    const w = secondView?.examples[i - shownFrom];
    return (
      <article className="example-row" key={example.id} id={exampleRowId(i)} aria-label={`Example ${i + 1}`}>
        <h3 className="example-title">Example {i + 1}</h3>
        <ExampleEditor example={example} index={i} count={examples.length} />
        {v === undefined ? (
          <p className="hint">Tokenizing…</p>
        ) : w !== undefined && secondView ? (
          <CompareTokens
            a={v}
            b={w}
            sides={[first, other]}
            tokenizers={[tok, secondView.prepared.tokenizer]}
            repeated={[repeated[i - shownFrom], repeatedSecond[i - shownFrom] ?? ""]}
          />
        ) : (
          <ExampleTokens view={v} tokenizer={tok} repeated={repeated[i - shownFrom]} />
        )}
      </article>
    );
  };

  return (
    <div className="example-list">
      {compare.enabled && second && !second.ok ? (
        <div className="message error" role="alert" data-testid="compare-error">
          <strong>The side to compare with cannot be shown.</strong> {second.error}
        </div>
      ) : null}
      {view.warnings.length > 0 ? (
        <div className="global-warnings" data-testid="global-warnings">
          {view.warnings.map((w, i) => (
            <WarningBox key={i} warning={w} tokenizer={tok} />
          ))}
        </div>
      ) : null}
      <p className="totals" data-testid="totals">
        {examples.length.toLocaleString("en-US")} examples
        {stats ? (
          <>
            {" "}
            · {stats.tokens.toLocaleString("en-US")} tokens · <strong>{stats.trained.toLocaleString("en-US")}</strong> trained (
            {stats.tokens ? Math.round((100 * stats.trained) / stats.tokens) : 0}%)
          </>
        ) : (
          <TokenizingNote tokens={tokens} />
        )}
        {silent > 0 ? (
          <span className="totals-bad">
            {" "}
            · {silent} example{silent === 1 ? "" : "s"} teach nothing
          </span>
        ) : null}
        {pending ? (
          <span className="updating" data-testid="view-updating" role="status">
            <span className="spinner" aria-hidden="true" /> updating…
          </span>
        ) : null}
      </p>
      {tokens.phase === "failed" ? (
        <div className="message error" role="alert" data-testid="tokens-error">
          <strong>The summary of these examples could not be made.</strong> {tokens.message} The rows on screen are still masked; edit an
          example or change a setting to try again.
        </div>
      ) : null}
      {stats ? <DatasetStats stats={stats} maxSeqLength={maxSeqLength} jump={jump} /> : null}
      {windowed ? (
        <div ref={listRef} className="example-window" style={{ height: virtualizer.getTotalSize() }} data-testid="example-window">
          {rows.map((r) => (
            <div
              key={r.key}
              data-index={r.index}
              ref={virtualizer.measureElement}
              className="example-window-row"
              style={{ transform: `translateY(${r.start - virtualizer.options.scrollMargin}px)` }}
            >
              {row(r.index)}
            </div>
          ))}
        </div>
      ) : (
        examples.map((_, i) => row(i))
      )}
      {examples.length === 0 ? <p className="hint">No examples: add one to see its tokens.</p> : null}
      <button type="button" className="secondary" data-testid="add-example" onClick={addExample}>
        + Add example
      </button>
    </div>
  );
}

/** Where the dataset worker is with a list too long to view whole. */
function TokenizingNote({ tokens }: { tokens: DatasetTokens }) {
  if (tokens.phase !== "tokenizing") return null;
  return (
    <span className="updating" role="status" data-testid="tokens-progress">
      {" "}
      · <span className="spinner" aria-hidden="true" /> tokenizing in the background: {tokens.done.toLocaleString("en-US")} of{" "}
      {tokens.total.toLocaleString("en-US")} <progress max={tokens.total} value={tokens.done} aria-label="Examples tokenized" />
    </span>
  );
}
