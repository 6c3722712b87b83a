// "Replay the notebook": one button that runs the notebook's experiments on the current model and
// settings, then the comparison it was all for (time against the first run, steps, loss, answers,
// whether EOS is produced, what the teacher-forced guesses show) and each of its conclusions beside
// the numbers measured here that support or contradict it.
import { conclusions, type ExperimentResult, type Verdict } from "../../core/notebook/conclusions";
import { EXPERIMENTS } from "../../core/notebook/experiments";
import { cancelReplay, replayNotebook, replayResults } from "../../services/notebookReplay";
import { usePlayground } from "../../store/playgroundStore";
import { inProgress } from "../../store/runRecord";
import { trainerInfo } from "../../core/trainers/trainerView";

const title = (id: string) => EXPERIMENTS.find((e) => e.id === id)?.title ?? id;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const share = (x: number | null) => (x === null ? "–" : `${Math.round(100 * x)}%`);

function ResultRow({ r, baseline }: { r: ExperimentResult; baseline: ExperimentResult | undefined }) {
  if (r.skipped !== null) {
    return (
      <tr data-testid="replay-row" data-experiment={r.id} data-skipped="true">
        <th scope="row">{title(r.id)}</th>
        <td colSpan={7} className="muted" data-testid="replay-skipped">
          {r.skipped}
        </td>
      </tr>
    );
  }
  const train = r.answers.filter((a) => a.kind === "train");
  const holdout = r.answers.find((a) => a.kind === "holdout");
  const vsFirst = baseline && baseline !== r && baseline.wallMs > 0 ? ((r.wallMs - baseline.wallMs) / baseline.wallMs) * 100 : null;
  return (
    <tr data-testid="replay-row" data-experiment={r.id}>
      <th scope="row">{title(r.id)}</th>
      <td className="num" data-testid="replay-time">
        {seconds(r.wallMs)}
        {vsFirst === null ? "" : ` (${vsFirst <= 0 ? "" : "+"}${vsFirst.toFixed(0)}%)`}
      </td>
      <td className="num">{r.steps}</td>
      <td className="num">
        {r.firstLoss?.toFixed(2) ?? "–"} → {r.finalLoss?.toFixed(3) ?? "–"}
      </td>
      <td title={train.map((a) => `${a.expected} → ${JSON.stringify(a.text)}`).join("\n")} data-testid="replay-answers">
        {train.filter((a) => a.matches).length}/{train.length}
      </td>
      <td>
        {holdout ? (
          <code className={holdout.matches ? "gen-match" : "gen-miss"}>{JSON.stringify(holdout.text)}</code>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td className="num">
        {train.filter((a) => a.ended).length}/{train.length}
        {r.eosTrained ? "" : " (EOS masked)"}
      </td>
      <td className="num">{share(r.promptGuessRate)}</td>
    </tr>
  );
}

const VERDICT: Record<Verdict, string> = { supports: "✓ supports", contradicts: "✗ contradicts", inconclusive: "? inconclusive" };

export function NotebookReplay() {
  const replay = usePlayground((s) => s.replay);
  const runs = usePlayground((s) => s.runs);
  const busy = usePlayground((s) => Object.values(s.runs).some(inProgress));
  const preset = usePlayground((s) => s.trainer.name);
  const results = replay ? replayResults(replay.steps, runs) : [];
  const baseline = results.find((r) => r.skipped === null);
  const running = replay?.status === "running";
  return (
    <section className="panel notebook-replay" aria-label="Replay the notebook" data-testid="notebook-replay">
      <h2>Replay the notebook</h2>
      <p className="hint">
        The notebook&apos;s experiments one after another on this model with the settings above: full labels, the markers mask, TRL&apos;s
        collator with the markers and with the text templates, the templates as special tokens, and multi-turn examples. Each is a run
        below; the first is the baseline for time.
      </p>
      {preset !== null ? (
        // The experiments are maskings by definition; a chosen tool would make them all the same run.
        <p className="hint" data-testid="replay-preset-note">
          As trained by is set to {trainerInfo(preset).label}: the replay trains the notebook&apos;s own maskings, not that tool&apos;s
          labels, and the runs table names each run&apos;s masking. Start training trains the tool&apos;s labels.
        </p>
      ) : null}
      <div className="row">
        {running ? (
          <button type="button" className="secondary" onClick={cancelReplay} data-testid="replay-cancel">
            Cancel the replay
          </button>
        ) : (
          <button type="button" onClick={() => void replayNotebook()} disabled={busy} data-testid="replay-start">
            Replay the notebook
          </button>
        )}
        {replay ? (
          <span className="muted" data-testid="replay-status" data-status={replay.status}>
            {running ? `${replay.current + 1} of ${replay.steps.length}: ${title(replay.steps[replay.current].id)}…` : replay.status}
          </span>
        ) : null}
      </div>
      {results.length > 0 ? (
        <table className="runs-table replay-table" data-testid="replay-table">
          <thead>
            <tr>
              <th scope="col">experiment</th>
              <th scope="col">time (vs first)</th>
              <th scope="col">steps</th>
              <th scope="col">loss</th>
              <th scope="col">answers right</th>
              <th scope="col">holdout</th>
              <th scope="col">ends with EOS</th>
              <th scope="col" title="Teacher-forced: the share of the holdout prompt's next tokens the model guesses right">
                prompt guessed
              </th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <ResultRow key={r.id} r={r} baseline={baseline} />
            ))}
          </tbody>
        </table>
      ) : null}
      {replay?.steps.some((s) => s.error) ? (
        <ul className="train-error" role="alert">
          {replay.steps
            .filter((s) => s.error)
            .map((s) => (
              <li key={s.id}>
                {title(s.id)}: {s.error}
              </li>
            ))}
        </ul>
      ) : null}
      {replay?.status === "done" ? (
        <ul className="conclusions" data-testid="replay-conclusions">
          {conclusions(results).map((c) => (
            <li key={c.claim} data-verdict={c.verdict}>
              <strong>{VERDICT[c.verdict]}</strong> {c.claim} <span className="muted">Measured: {c.measured}.</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
