// One example's token view: counts, warnings where they happen, and the chips; in compare mode the
// same example under the second strategy, with the labels that differ ringed.
import { memo, useMemo } from "react";
import { labelDifferences, type ExampleView } from "../../core/maskView";
import type { PlaygroundTokenizer } from "../../core/tokenizer/playgroundTokenizer";
import type { ViewSide } from "../../store/useMaskView";
import { sideTitle } from "../strategy/strategies";
import { TeacherForcedRow } from "../training/TeacherForcedRow";
import { TokenChips } from "./TokenChips";
import { WarningBox } from "./WarningBox";

function Counts({ view }: { view: ExampleView }) {
  const n = view.chips.length;
  return (
    <span className="counts" data-testid="counts">
      {n} tokens · <strong data-testid="trained-count">{view.trainedCount}</strong> trained
    </span>
  );
}

/** Warning codes that an earlier example already explains in full, one string so memo compares by value. */
export function repeatedWarningCodes(views: readonly ExampleView[]): string[] {
  const seen = new Set<string>();
  return views.map((v) => {
    const repeated = v.warnings.filter((w) => seen.has(w.code)).map((w) => w.code);
    v.warnings.forEach((w) => seen.add(w.code));
    return repeated.join(",");
  });
}

function Warnings({ view, tokenizer, repeated }: { view: ExampleView; tokenizer: PlaygroundTokenizer; repeated: string }) {
  const codes = repeated.split(",");
  return (
    <>
      {view.warnings.map((w, i) => (
        <WarningBox key={i} warning={w} tokenizer={tokenizer} repeated={codes.includes(w.code)} />
      ))}
    </>
  );
}

/** The trained tokens' text: what this example teaches under a strategy. */
function trainedText(view: ExampleView): string {
  return view.chips
    .filter((c) => c.trained)
    .map((c) => c.text)
    .join("");
}

function whyTokensDiffer(sides: [ViewSide, ViewSide]): string {
  if (sides.some((s) => s.trainer !== null))
    return "each side builds its input ids its own way (the formatting's text, the chat template, a training template)";
  const strategies = sides.map((s) => s.strategy);
  if (strategies.includes("special-tokens")) return "the special-tokens strategy makes each template a single new token";
  if (strategies.includes("chat-template")) return "the chat template renders the conversation as different text";
  return "markers are inserted into the text under only one of them";
}

interface SingleProps {
  view: ExampleView;
  tokenizer: PlaygroundTokenizer;
  /** Comma-joined warning codes already explained in an earlier example. */
  repeated: string;
}

export const ExampleTokens = memo(function ExampleTokens({ view, tokenizer, repeated }: SingleProps) {
  return (
    <div className="example-tokens" data-testid={`example-${view.index}`} data-trained-count={view.trainedCount}>
      <div className="tokens-header">
        <Counts view={view} />
      </div>
      <Warnings view={view} tokenizer={tokenizer} repeated={repeated} />
      <TokenChips chips={view.chips} testId="chips" />
      <TeacherForcedRow view={view} />
    </div>
  );
});

interface CompareProps {
  a: ExampleView;
  b: ExampleView;
  sides: [ViewSide, ViewSide];
  tokenizers: [PlaygroundTokenizer, PlaygroundTokenizer];
  repeated: [string, string];
}

export const CompareTokens = memo(function CompareTokens({ a, b, sides, tokenizers, repeated }: CompareProps) {
  const diff = useMemo(() => labelDifferences(a, b), [a, b]);
  const diffSet = useMemo(() => new Set(diff.positions), [diff]);
  const rows: Array<[ExampleView, ViewSide, PlaygroundTokenizer, string, string]> = [
    [a, sides[0], tokenizers[0], "compare-a", repeated[0]],
    [b, sides[1], tokenizers[1], "compare-b", repeated[1]],
  ];
  const taughtA = trainedText(a);
  const taughtB = trainedText(b);
  return (
    <div className="example-tokens compare" data-testid={`example-${a.index}`} data-trained-count={a.trainedCount}>
      <p className="compare-summary" data-testid="compare-summary">
        {diff.sameTokens
          ? diff.positions.length === 0
            ? "Same tokens, same labels on both sides."
            : `Same tokens; ${diff.positions.length} label${diff.positions.length === 1 ? "" : "s"} differ (ringed).`
          : `The two sides tokenize this example differently (${a.chips.length} vs ${b.chips.length} tokens: ${whyTokensDiffer(sides)}), so labels cannot be compared position by position; both rows are shown.`}
      </p>
      {!diff.sameTokens ? (
        <p className="trained-text" data-testid="compare-taught">
          {taughtA === taughtB ? (
            <>
              Both teach the same text: <code>{taughtA || "nothing"}</code>
            </>
          ) : (
            <>
              Taught: <code>{taughtA || "nothing"}</code> vs <code>{taughtB || "nothing"}</code>
            </>
          )}
        </p>
      ) : null}
      {rows.map(([view, side, tok, testId, rep]) => (
        <div
          className="compare-row"
          key={testId}
          data-testid={testId}
          data-strategy={side.strategy}
          data-trainer={side.trainer ?? undefined}
        >
          <div className="tokens-header">
            <span className="strategy-tag">{sideTitle(side)}</span>
            <Counts view={view} />
          </div>
          <Warnings view={view} tokenizer={tok} repeated={rep} />
          <TokenChips chips={view.chips} diff={diff.sameTokens ? diffSet : undefined} />
        </div>
      ))}
    </div>
  );
});
