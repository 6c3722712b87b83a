// The holdout: a question kept out of training, and the answer we hope the fine-tune generates
// (the notebook's "good" → "bueno"). Shown as the exact prompt text the model will be given.
import { promptText } from "../../core/trainingData";
import { usePlayground } from "../../store/playgroundStore";
import { NO_ROWS, useMaskView } from "../../store/useMaskView";
import { escapeText } from "../common/EscapedTextInput";

export function HoldoutEditor() {
  const holdout = usePlayground((s) => s.holdout);
  const setHoldout = usePlayground((s) => s.setHoldout);
  const { result } = useMaskView(undefined, NO_ROWS);
  // Exactly what generation is given: formatting, markers and chat template included.
  const prompt = result?.ok ? safePrompt(() => promptText([{ role: "user", content: holdout.prompt }], result.view.prepared)) : null;
  return (
    <section className="panel holdout" aria-labelledby="holdout-heading" data-testid="holdout">
      <h2 id="holdout-heading">Holdout</h2>
      <p className="hint">A question not in the training set, to check that the fine-tune generalises.</p>
      <div className="row">
        <label className="grow">
          <span className="label-text">Holdout prompt (user turn)</span>
          <input data-testid="holdout-prompt" value={holdout.prompt} onChange={(e) => setHoldout({ prompt: e.target.value })} />
        </label>
        <label>
          <span className="label-text">Expected answer</span>
          <input data-testid="holdout-expected" value={holdout.expected} onChange={(e) => setHoldout({ expected: e.target.value })} />
        </label>
      </div>
      {prompt !== null ? (
        <p className="hint">
          The model is given <code className="mono">"{escapeText(prompt)}"</code> and should continue with{" "}
          <code>{holdout.expected || "…"}</code>.
        </p>
      ) : null}
    </section>
  );
}

function safePrompt(render: () => string): string | null {
  try {
    return render();
  } catch {
    return null; // a chat template that fails to render is reported on the examples already
  }
}
