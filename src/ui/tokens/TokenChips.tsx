// One example's tokens as chips: trained (blue) or masked (grey, hatched), special tokens
// outlined, runtime-added tokens dashed with a star, compare-mode differences ringed.
import { memo } from "react";
import type { TokenChip } from "../../core/maskView";

function chipTitle(c: TokenChip, differs: boolean): string {
  const parts = [`position ${c.position}`, `id ${c.id}`, `label ${c.label}${c.trained ? " (trained)" : " (masked)"}`];
  if (c.special) parts.push("special token");
  if (c.added) parts.push("added at runtime: new, untrained embedding row");
  if (differs) parts.push("label differs between the two sides");
  return parts.join(" · ");
}

const NEWLINE_MARK = /(↵+)/;

/**
 * Token text with newline markers wrapped so CSS can size them (↵ is tiny in most monospace fonts);
 * textContent is unchanged. Only newlines: wrapping every `·` would double the DOM of a long view.
 */
function ChipText({ text }: { text: string }) {
  if (!NEWLINE_MARK.test(text)) return <>{text}</>;
  return (
    <>
      {text.split(NEWLINE_MARK).map((part, i) =>
        i % 2 === 1 ? (
          <span key={i} className="ws-nl">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

interface Props {
  chips: readonly TokenChip[];
  /** Positions whose label differs in compare mode. */
  diff?: ReadonlySet<number>;
  testId?: string;
}

export const TokenChips = memo(function TokenChips({ chips, diff, testId }: Props) {
  if (chips.length === 0) return <p className="hint">No tokens: this example is empty.</p>;
  // A list of tokens for screen readers: each chip says its text, position and label, not only its colour.
  return (
    <div className="chips" role="list" aria-label="Tokens" data-testid={testId}>
      {chips.map((c) => {
        const differs = diff?.has(c.position) ?? false;
        let cls = c.trained ? "chip trained" : "chip masked";
        if (c.special) cls += " special";
        if (c.added) cls += " added";
        if (differs) cls += " diff";
        return (
          <span
            key={c.position}
            className={cls}
            data-testid="chip"
            data-trained={c.trained ? "true" : "false"}
            data-special={c.special ? "true" : undefined}
            data-added={c.added ? "true" : undefined}
            data-diff={differs ? "true" : undefined}
            role="listitem"
            aria-label={`${c.text === "" ? "empty" : c.text} · ${chipTitle(c, differs)}`}
            title={chipTitle(c, differs)}
          >
            {c.text === "" ? "∅" : <ChipText text={c.text} />}
          </span>
        );
      })}
    </div>
  );
});
