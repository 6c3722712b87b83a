// A short list of token ids with their visible text: template ids, markers, added tokens.
import type { PlaygroundTokenizer } from "../../core/tokenizer/playgroundTokenizer";

interface Props {
  tokenizer: PlaygroundTokenizer;
  ids: readonly number[];
  /** Indexes (into ids) to highlight, e.g. the tokens that merged across the template's edge. */
  highlight?: readonly number[];
  testId?: string;
}

export function TokenIdList({ tokenizer, ids, highlight = [], testId }: Props) {
  return (
    <span className="id-list" data-testid={testId}>
      {ids.map((id, i) => {
        const merged = highlight.includes(i);
        return (
          <span
            key={i}
            className={`id-chip${merged ? " merged" : ""}${tokenizer.isAdded(id) ? " added" : ""}`}
            data-merged={merged ? "true" : undefined}
            title={`id ${id}${merged ? " — merged with the text next to the template" : ""}`}
          >
            <span className="id-chip-text">{tokenizer.displayToken(id)}</span>
            <span className="id-chip-id">{id}</span>
          </span>
        );
      })}
    </span>
  );
}
