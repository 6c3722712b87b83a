// Chat with the model: ask the base model or a run's adapter (or two of them side by side) the same
// questions, each answer streaming token by token from the training worker, formatted exactly as the
// examples are trained (the formatting and masking above), greedy or sampled (transformers'
// GenerationConfig fields), stoppable at any time. Works while a run trains (between its steps) and
// for runs restored from this browser's storage.
import { useState, type FormEvent, type KeyboardEvent } from "react";
import type { FinishReason } from "../../core/protocol";
import { GENERATION_ENTRIES, type GenerationSettings } from "../../core/settings/generationSettings";
import { askChat, stopChat } from "../../services/chatActions";
import { useChat, type ChatAnswer, type ChatSource } from "../../store/chatStore";
import { usePlayground } from "../../store/playgroundStore";
import type { RunRecord } from "../../store/runRecord";
import { NumberInput } from "../training/TrainingSettingsForm";
import { Options } from "../common/Options";
import "./chat.css";

const BASE = "base";
const sourceValue = (s: ChatSource) => (s.kind === "base" ? BASE : s.runId);
const sourceOf = (value: string): ChatSource => (value === BASE ? { kind: "base" } : { kind: "run", runId: value });

/** Runs whose adapter can answer: the worker holds it (also while training), or this browser kept it. */
function useChatRuns(): RunRecord[] {
  const runs = usePlayground((s) => s.runs);
  const order = usePlayground((s) => s.runOrder);
  return order.map((id) => runs[id]).filter((r): r is RunRecord => r !== undefined && (r.adapterInWorker || r.storedAdapter !== undefined));
}

function runOptionLabel(r: RunRecord): string {
  const step = r.steps.at(-1)?.step ?? r.storedAdapter?.step ?? 0;
  return `${r.label} (${r.status}, step ${step})`;
}

function SourcePicker({ side, value, runs }: { side: number; value: ChatSource; runs: RunRecord[] }) {
  const sources = useChat((s) => s.sources);
  const setSources = useChat((s) => s.setSources);
  const label = sources.length > 1 ? (side === 0 ? "Left" : "Right") : "Answered by";
  return (
    <label className="chat-source">
      <span>{label}</span>
      <select
        value={sourceValue(value)}
        data-testid={`chat-source-${side}`}
        onChange={(e) => setSources(sources.map((s, k) => (k === side ? sourceOf(e.target.value) : s)))}
      >
        <option value={BASE}>base model (no adapter)</option>
        <Options items={runs} value={(r) => r.id} label={runOptionLabel} />
      </select>
    </label>
  );
}

const FINISH_TEXT: Record<FinishReason, (a: ChatAnswer, max: number) => string> = {
  eos: (a) => `ended by its stop token · ${a.tokens} tokens`,
  length: (_a, max) => `did not stop: max new tokens (${max}) reached; raise it under settings to read on`,
  stopped: (a) => `stopped by you · ${a.tokens} tokens`,
};

function AnswerView({ answer, who, max }: { answer: ChatAnswer; who: string; max: number }) {
  return (
    <div className="chat-answer" data-testid="chat-answer" data-finish={answer.finish ?? (answer.error ? "error" : "streaming")}>
      <div className="chat-who">{who}</div>
      {answer.error ? (
        <p className="field-error" role="alert">
          {answer.error}
        </p>
      ) : (
        <>
          <pre className="chat-text" data-testid="chat-answer-text">
            {answer.text}
            {answer.finish === null ? <span className="chat-cursor" aria-hidden="true" /> : null}
          </pre>
          <div className="muted chat-finish">{answer.finish ? FINISH_TEXT[answer.finish](answer, max) : "answering…"}</div>
        </>
      )}
    </div>
  );
}

function GenerationSettingsForm() {
  const settings = useChat((s) => s.settings);
  const setSettings = useChat((s) => s.setSettings);
  const set = (patch: Partial<GenerationSettings>) => setSettings({ ...settings, ...patch });
  // Temperature, top_k and top_p only shape a draw: greedy search ignores them, as transformers does.
  const samplingOnly = new Set(["temperature", "topK", "topP", "seed"]);
  return (
    <details className="chat-settings">
      <summary>
        Generation settings:{" "}
        {settings.doSample ? `sampled (temperature ${settings.temperature}, top_k ${settings.topK}, top_p ${settings.topP})` : "greedy"},
        max {settings.maxNewTokens} new tokens
      </summary>
      <div className="chat-settings-grid">
        {GENERATION_ENTRIES.map(({ key, field }) =>
          field.kind === "boolean" ? (
            <label key={key} className="check" title={`${field.name}: ${field.help}`}>
              <input
                type="checkbox"
                checked={settings[key] as boolean}
                data-testid={`chat-${key}`}
                onChange={(e) => set({ [key]: e.target.checked })}
              />
              {field.label} ({field.name})
            </label>
          ) : field.kind === "number" ? (
            <fieldset key={key} disabled={samplingOnly.has(key) && !settings.doSample}>
              <NumberInput settingKey={`chat-${key}`} field={field} value={settings[key] as number} onChange={(v) => set({ [key]: v })} />
            </fieldset>
          ) : null,
        )}
      </div>
    </details>
  );
}

export function ChatPanel() {
  const sources = useChat((s) => s.sources);
  const setSources = useChat((s) => s.setSources);
  const entries = useChat((s) => s.entries);
  const inFlight = useChat((s) => s.inFlight.length > 0);
  const notice = useChat((s) => s.notice);
  const clear = useChat((s) => s.clear);
  const max = useChat((s) => s.settings.maxNewTokens);
  const runs = useChatRuns();
  const [question, setQuestion] = useState("");
  const labelOf = (s: ChatSource) => (s.kind === "base" ? "base model" : (runs.find((r) => r.id === s.runId)?.label ?? "a deleted run"));

  const ask = (e?: FormEvent) => {
    e?.preventDefault();
    if (!question.trim() || inFlight) return;
    const q = question;
    setQuestion("");
    void askChat(q);
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey) ask(e);
  };
  const sideBySide = sources.length > 1;
  const toggleSideBySide = (on: boolean) => {
    const latest = runs.at(-1);
    setSources(on ? [{ kind: "base" }, latest ? { kind: "run", runId: latest.id } : { kind: "base" }] : [sources[sources.length - 1]]);
  };

  return (
    <section className="panel chat" aria-labelledby="chat-heading" data-testid="chat">
      <div className="row">
        <h2 id="chat-heading">Chat with the model</h2>
        <span className="spacer" />
        <label className="check inline">
          <input
            type="checkbox"
            checked={sideBySide}
            data-testid="chat-side-by-side"
            onChange={(e) => toggleSideBySide(e.target.checked)}
          />
          side by side
        </label>
      </div>
      <p className="hint">
        Prompts are formatted as the examples are trained (Formatting and strategy above), so a fine-tuned run answers as it learned to.
        Changing who answers starts a new conversation.
      </p>
      <div className="row">
        {sources.map((s, side) => (
          <SourcePicker key={side} side={side} value={s} runs={runs} />
        ))}
      </div>
      <GenerationSettingsForm />
      <ol className="chat-log" data-testid="chat-log" aria-live="polite">
        {entries.map((entry, k) => (
          <li key={k} className="chat-entry" data-testid="chat-entry">
            <div className="chat-question">
              <span className="chat-who">you</span> {entry.question}
            </div>
            <div className={`chat-answers sides-${entry.answers.length}`}>
              {entry.answers.map((a, side) => (
                <AnswerView key={side} answer={a} who={labelOf(entry.sources[side])} max={max} />
              ))}
            </div>
          </li>
        ))}
      </ol>
      {notice ? (
        <p className="field-error" role="alert" data-testid="chat-notice">
          {notice}
        </p>
      ) : null}
      <form className="chat-input" onSubmit={ask}>
        <textarea
          value={question}
          rows={2}
          aria-label="Your message"
          placeholder={'How do you say "dog" in Spanish?'}
          data-testid="chat-input"
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={onKey}
        />
        <div className="chat-buttons">
          {inFlight ? (
            <button type="button" className="secondary" onClick={stopChat} data-testid="chat-stop">
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!question.trim()} data-testid="chat-send">
              Ask
            </button>
          )}
          <button type="button" className="link" onClick={clear} disabled={inFlight || entries.length === 0} data-testid="chat-clear">
            New conversation
          </button>
        </div>
      </form>
    </section>
  );
}
