// The working area: each example's editor beside its tokens, so an edit shows its effect on the
// label mask right away; in compare mode each example shows both strategies.
import { useMemo } from "react";
import { datasetStats } from "../../core/datasetStats";
import type { ExampleView } from "../../core/maskView";
import { usePlayground } from "../../store/playgroundStore";
import { useSideView, type ViewSide } from "../../store/useMaskView";
import { CompareTokens, ExampleTokens, repeatedWarningCodes } from "../tokens/ExampleTokens";
import { DatasetStats, exampleRowId } from "../data/DatasetStats";
import { WarningBox } from "../tokens/WarningBox";
import { ExampleEditor } from "./ExampleEditor";

const NO_VIEWS: readonly ExampleView[] = [];

export function ExampleList() {
  const examples = usePlayground((s) => s.examples);
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
  const { result, pending } = useSideView(first);
  const { result: second } = useSideView(other);
  const maxSeqLength = usePlayground((s) => s.training.maxSeqLength);
  // One pass over the views for the totals line and the dataset summary below it.
  const views = result?.ok ? result.view.examples : NO_VIEWS;
  const stats = useMemo(() => datasetStats(views, maxSeqLength), [views, maxSeqLength]);

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
  // Empty examples are counted as such elsewhere; "teach nothing" is about examples with tokens.
  const silent = stats.nothingTrained.filter((i) => view.examples[i].chips.length > 0).length;
  const repeated = repeatedWarningCodes(view.examples);
  const repeatedSecond = secondView ? repeatedWarningCodes(secondView.examples) : [];

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
        {view.examples.length.toLocaleString("en-US")} examples · {stats.tokens.toLocaleString("en-US")} tokens ·{" "}
        <strong>{stats.trained.toLocaleString("en-US")}</strong> trained (
        {stats.tokens ? Math.round((100 * stats.trained) / stats.tokens) : 0}%)
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
      <DatasetStats stats={stats} maxSeqLength={maxSeqLength} />
      {examples.map((example, i) => {
        const v = view.examples[i];
        const w = secondView?.examples[i];
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
                repeated={[repeated[i], repeatedSecond[i] ?? ""]}
              />
            ) : (
              <ExampleTokens view={v} tokenizer={tok} repeated={repeated[i]} />
            )}
          </article>
        );
      })}
      {examples.length === 0 ? <p className="hint">No examples: add one to see its tokens.</p> : null}
      <button type="button" className="secondary" data-testid="add-example" onClick={addExample}>
        + Add example
      </button>
    </div>
  );
}
