// The notebook's print_iterative_generate for one example: under its chips, the model's argmax guess
// for each next token given the true prefix (teacher forcing), green where it is the real next
// token, red where not; positions the loss ignores are faded.
import { memo } from "react";
import type { ExampleView } from "../../core/maskView";
import { IGNORE_INDEX } from "../../core/types";
import { usePlayground } from "../../store/playgroundStore";
import { requestTeacherForced } from "../../services/trainingActions";
import "./training.css";

export const TeacherForcedRow = memo(function TeacherForcedRow({ view }: { view: ExampleView }) {
  const result = usePlayground((s) => s.teacherForced[view.index]);
  const hasRun = usePlayground((s) => s.currentRunId !== null);
  const button = (
    <button
      type="button"
      className="link"
      onClick={() => void requestTeacherForced(view.index, view.inputIds)}
      disabled={result === "loading" || view.inputIds.length < 2}
      data-testid="tf-request"
    >
      {result === "loading" ? "predicting…" : result ? "refresh guesses" : `model's next-token guesses${hasRun ? "" : " (base model)"}`}
    </button>
  );
  if (!result || result === "loading") return <div className="tf-row">{button}</div>;
  const stale = result.inputIds.length !== view.inputIds.length || result.inputIds.some((id, i) => id !== view.inputIds[i]);
  const hits = result.predictions.filter((p, t) => p === view.inputIds[t + 1] && view.labels[t + 1] !== IGNORE_INDEX).length;
  return (
    <div className="tf-row" data-testid="tf-row">
      <div className="row">
        {button}
        <span className="hint">
          {result.runLabel}: {hits} of {view.trainedCount} trained tokens guessed{stale ? " · the example changed since; refresh" : ""}
        </span>
      </div>
      <div className="tf-chips" aria-label="Predicted next tokens">
        <span className="tf-chip untrained" title="nothing predicts the first token">
          ∅
        </span>
        {result.predictions.slice(0, view.inputIds.length - 1).map((p, t) => {
          const next = view.inputIds[t + 1];
          const hit = p === next;
          const trained = view.labels[t + 1] !== IGNORE_INDEX;
          return (
            <span
              key={t}
              className={`tf-chip ${hit ? "hit" : "miss"}${trained ? "" : " untrained"}`}
              data-hit={hit}
              title={`position ${t + 1}: guessed id ${p}, actual id ${next}${trained ? "" : " (masked: not in the loss)"}`}
            >
              {result.texts[t]}
            </span>
          );
        })}
      </div>
    </div>
  );
});
