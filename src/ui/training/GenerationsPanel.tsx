// The notebook's predict_training_set and sample_generate, live: for each training prompt and the
// holdout, the expected answer next to the model's greedy answer at the latest evaluated step, with
// the earlier answers on demand.
import { memo } from "react";
import { answerMatches } from "../../core/trainingData";
import { usePlayground } from "../../store/playgroundStore";
import type { RunGenerations, RunPrompt } from "../../store/runRecord";

function Answer({ text, expected }: { text: string | undefined; expected: string }) {
  if (text === undefined) return <span className="muted">–</span>;
  const ok = answerMatches(text, expected);
  return (
    <span className={`answer ${ok ? "gen-match" : "gen-miss"}`} data-match={ok}>
      <span aria-label={ok ? "matches" : "differs"}>{ok ? "✓" : "✗"}</span> <code>{JSON.stringify(text)}</code>
    </span>
  );
}

const PromptRow = memo(function PromptRow({
  prompt,
  index,
  generations,
}: {
  prompt: RunPrompt;
  index: number;
  generations: RunGenerations[];
}) {
  const latest = generations.at(-1);
  return (
    <tr data-testid="generation-row" data-kind={prompt.kind}>
      <td>
        {prompt.kind === "holdout" ? <span className="tag">holdout</span> : null} {prompt.question}
      </td>
      <td>
        <code>{JSON.stringify(prompt.expected)}</code>
      </td>
      <td data-testid="generated">
        <Answer text={latest?.texts[index]} expected={prompt.expected} />
        {generations.length > 1 ? (
          <details className="history">
            <summary>history ({generations.length})</summary>
            <ol>
              {generations.map((g) => (
                <li key={g.step}>
                  step {g.step}: <Answer text={g.texts[index]} expected={prompt.expected} />
                </li>
              ))}
            </ol>
          </details>
        ) : null}
      </td>
    </tr>
  );
});

export function GenerationsPanel() {
  const prompts = usePlayground((s) => (s.currentRunId ? s.runs[s.currentRunId]?.prompts : undefined));
  const generations = usePlayground((s) => (s.currentRunId ? s.runs[s.currentRunId]?.generations : undefined));
  if (!prompts || !generations) return null;
  const latest = generations.at(-1);
  const matched = latest ? prompts.filter((p, i) => answerMatches(latest.texts[i] ?? "", p.expected)).length : 0;
  return (
    <section className="panel generations" aria-label="Generations" data-testid="generations" data-step={latest?.step ?? -1}>
      <div className="row">
        <h2>Answers</h2>
        <span className="spacer" />
        <span className="muted" data-testid="generations-step">
          {latest
            ? `step ${latest.step}${latest.step === 0 ? " (before training)" : ""} · ${matched} of ${prompts.length} match`
            : "waiting for the first answers…"}
        </span>
      </div>
      <table className="gen-table">
        <thead>
          <tr>
            <th>Question</th>
            <th>Expected</th>
            <th>Generated (greedy)</th>
          </tr>
        </thead>
        <tbody>
          {prompts.map((p, i) => (
            <PromptRow key={i} prompt={p} index={i} generations={generations} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
