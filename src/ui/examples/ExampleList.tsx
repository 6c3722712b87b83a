// The working area: each example's editor beside its tokens, so an edit shows its effect on the
// label mask right away; in compare mode each example shows both strategies.
import { useMemo } from "react";
import type { ExampleView } from "../../core/maskView";
import { usePlayground } from "../../store/playgroundStore";
import { useSideView, type ViewSide } from "../../store/useMaskView";
import { CompareTokens, ExampleTokens, repeatedWarningCodes } from "../tokens/ExampleTokens";
import { DatasetStats, exampleRowId } from "../data/DatasetStats";
import { WarningBox } from "../tokens/WarningBox";
import { ExampleEditor } from "./ExampleEditor";

function summary(views: readonly ExampleView[]) {
  const tokens = views.reduce((n, v) => n + v.chips.length, 0);
  const trained = views.reduce((n, v) => n + v.trainedCount, 0);
  const silent = views.filter((v) => v.chips.length > 0 && v.trainedCount === 0).length;
  return { tokens, trained, silent };
}

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
  const s = summary(view.examples);
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
        {view.examples.length.toLocaleString("en-US")} examples · {s.tokens.toLocaleString("en-US")} tokens ·{" "}
        <strong>{s.trained.toLocaleString("en-US")}</strong> trained ({s.tokens ? Math.round((100 * s.trained) / s.tokens) : 0}%)
        {s.silent > 0 ? (
          <span className="totals-bad">
            {" "}
            · {s.silent} example{s.silent === 1 ? "" : "s"} teach nothing
          </span>
        ) : null}
        {pending ? (
          <span className="updating" data-testid="view-updating" role="status">
            <span className="spinner" aria-hidden="true" /> updating…
          </span>
        ) : null}
      </p>
      <DatasetStats views={view.examples} />
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
