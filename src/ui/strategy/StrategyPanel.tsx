// Choose the masking strategy and its options, and see what they resolve to on this tokenizer:
// marker ids, template ids, tokens added to the vocabulary.
import { useState } from "react";
import { bundledModelChosen, usePlayground } from "../../store/playgroundStore";
import { NO_ROWS, useMaskView } from "../../store/useMaskView";
import { useFold } from "../common/Fold";
import { TokenIdList } from "../tokens/TokenIdList";
import { STRATEGY_INFO } from "./strategies";
import { TemplateSpecInput } from "./TemplateSpecInput";
import { TrainerSection } from "./TrainerSection";
import { NOTEBOOK_TEMPLATES } from "../../core/chat/textFormat";
import { DEFAULT_MASKING } from "../../core/defaults";
import { endMarkerOnly } from "../../core/masking/prepare";
import { BUNDLED_MODEL_MASKING } from "../../core/playgroundState";

function MarkerOptions() {
  const masking = usePlayground((s) => s.masking);
  const setMasking = usePlayground((s) => s.setMasking);
  const info = usePlayground((s) => s.tokenizer.info);
  const noBos = info !== null && info.bosToken === null;
  // The markers strategy masks by its start marker: there it cannot be left out.
  const startOptional = masking.strategy !== "markers";
  const noStart = endMarkerOnly(masking);
  return (
    <div className="options" data-testid="marker-options">
      {startOptional ? (
        <label className="check">
          <input
            type="checkbox"
            data-testid="no-start-marker"
            checked={noStart}
            onChange={(e) => setMasking({ markerStart: e.target.checked ? "" : null })}
          />
          <span>
            No start marker
            <span className="explanation">
              Only the end marker goes in, after each answer (as TRL 1.x appends EOS); the bundled model's default.
            </span>
          </span>
        </label>
      ) : null}
      <div className="row">
        <label className="grow">
          <span className="label-text">Start marker (after each response template)</span>
          <input
            className="mono"
            data-testid="marker-start"
            value={masking.markerStart ?? ""}
            disabled={noStart}
            placeholder={noStart ? "(none)" : (info?.bosToken ?? "(tokenizer has no BOS)")}
            onChange={(e) => setMasking({ markerStart: e.target.value === "" ? null : e.target.value })}
          />
        </label>
        <label className="grow">
          <span className="label-text">End marker (before each instruction, at the end)</span>
          <input
            className="mono"
            data-testid="marker-end"
            value={masking.markerEnd ?? ""}
            placeholder={info?.eosToken ?? "(tokenizer has no EOS)"}
            onChange={(e) => setMasking({ markerEnd: e.target.value === "" ? null : e.target.value })}
          />
        </label>
      </div>
      <p className="hint">Empty means the tokenizer's own BOS (start) and EOS (end), as in the notebook.</p>
      {noBos && masking.markerStart ? (
        <p className="note" data-testid="no-bos-note">
          {info.name.split(" ")[0]} has no BOS token, so <code>{masking.markerStart}</code> marks where answers start.
        </p>
      ) : null}
    </div>
  );
}

function ExtraSpecialTokens() {
  const tokens = usePlayground((s) => s.masking.addedSpecialTokens);
  const setMasking = usePlayground((s) => s.setMasking);
  const [draft, setDraft] = useState("");
  const add = () => {
    if (draft === "" || tokens.includes(draft)) return;
    setMasking({ addedSpecialTokens: [...tokens, draft] });
    setDraft("");
  };
  return (
    <fieldset className="subfield">
      <legend>Extra special tokens to add</legend>
      {tokens.length > 0 ? (
        <ul className="token-list">
          {tokens.map((t) => (
            <li key={t}>
              <code>{JSON.stringify(t)}</code>
              <button
                type="button"
                className="icon"
                aria-label={`Remove ${t}`}
                onClick={() => setMasking({ addedSpecialTokens: tokens.filter((x) => x !== t) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <input
          className="mono grow"
          data-testid="extra-token-input"
          value={draft}
          placeholder="e.g. <|answer|>"
          aria-label="Special token to add"
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" disabled={draft === ""}>
          Add
        </button>
      </form>
    </fieldset>
  );
}

function ResolvedIds() {
  const { result } = useMaskView(undefined, NO_ROWS);
  if (!result || !result.ok) return null;
  const p = result.view.prepared;
  const tok = p.tokenizer;
  const added = Object.entries(p.addedTokens);
  const rows: Array<[string, number[], string]> = [];
  if (p.markerIds?.start != null) rows.push(["Markers (start, end)", [p.markerIds.start, p.markerIds.end], "marker-ids"]);
  else if (p.markerIds) rows.push(["End marker (no start marker)", [p.markerIds.end], "marker-ids"]);
  if (p.responseIds) rows.push(["Response template ids", p.responseIds, "response-ids"]);
  if (p.instructionIds) rows.push(["Instruction template ids", p.instructionIds, "instruction-ids"]);
  if (added.length > 0) rows.push(["Added tokens (new ids)", added.map(([, id]) => id), "added-ids"]);
  if (rows.length === 0) return null;
  return (
    <dl className="resolved" aria-label="What the settings resolve to">
      {rows.map(([label, ids, testId]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>
            <TokenIdList tokenizer={tok} ids={ids} testId={testId} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** On the bundled model: why its default masking is not the notebook's markers, and a way to the other. */
function BundledMaskingNote() {
  const bundled = usePlayground(bundledModelChosen);
  const masking = usePlayground((s) => s.masking);
  const setMasking = usePlayground((s) => s.setMasking);
  const fold = useFold("the bundled model's default masking");
  if (!bundled) return null;
  const onDefault = JSON.stringify(masking) === JSON.stringify(BUNDLED_MODEL_MASKING);
  const [label, target] = onDefault
    ? ["use the notebook's markers", DEFAULT_MASKING]
    : ["use the bundled model's default", BUNDLED_MODEL_MASKING];
  return (
    <div className="note" data-testid="bundled-masking-note">
      <span {...fold.textProps}>
        Bundled model's default: completion-only after <code>### Assistant:</code>, <code>&lt;/s&gt;</code> after each answer, no{" "}
        <code>&lt;s&gt;</code> before it. Pretrained on texts that each begin with <code>&lt;s&gt;</code>, it reads the notebook's{" "}
        <code>&lt;s&gt;</code> as a new text and forgets the question, so the fine-tune memorises the answers and misses the holdout.
      </span>{" "}
      {fold.toggle}{" "}
      <button type="button" className="link-button" onClick={() => setMasking(structuredClone(target))}>
        {label}
      </button>
    </div>
  );
}

/** One strategy's radio, title and explanation; the explanation folds on a narrow screen. */
function StrategyChoice({ info, selected, onSelect }: { info: (typeof STRATEGY_INFO)[number]; selected: boolean; onSelect: () => void }) {
  const fold = useFold(info.title);
  return (
    <div className={`strategy${selected ? " selected" : ""}`}>
      <label className="strategy-choice">
        <input
          type="radio"
          name="strategy"
          value={info.name}
          data-testid={`strategy-${info.name}`}
          checked={selected}
          onChange={onSelect}
        />
        <span>
          <strong>{info.title}</strong>
          <span className="explanation" {...fold.textProps}>
            {info.explanation}
          </span>
        </span>
      </label>
      {fold.toggle}
    </div>
  );
}

export function StrategyPanel() {
  const masking = usePlayground((s) => s.masking);
  const formatting = usePlayground((s) => s.formatting);
  const setMasking = usePlayground((s) => s.setMasking);
  const templates = formatting.kind === "text" ? formatting.templates : NOTEBOOK_TEMPLATES;
  const strategy = masking.strategy;
  const markersApply = strategy === "markers" || (masking.insertMarkers && formatting.kind === "text" && strategy !== "chat-template");

  return (
    <section className="panel" aria-labelledby="strategy-heading">
      <h2 id="strategy-heading">Masking strategy</h2>
      <BundledMaskingNote />
      <div role="radiogroup" aria-label="Masking strategy" className="strategy-list" data-testid="strategy-select">
        {STRATEGY_INFO.map((s) => (
          <StrategyChoice key={s.name} info={s} selected={s.name === strategy} onSelect={() => setMasking({ strategy: s.name })} />
        ))}
      </div>

      <h3>Options</h3>
      <label className="check">
        <input
          type="checkbox"
          data-testid="insert-markers"
          checked={masking.insertMarkers}
          disabled={strategy === "markers" || strategy === "chat-template" || formatting.kind !== "text"}
          onChange={(e) => setMasking({ insertMarkers: e.target.checked })}
        />
        <span>
          Insert markers into the text
          <span className="explanation">
            {strategy === "markers" ? "Always on for the markers strategy. " : ""}The notebook's add_special_tokens(): end marker before
            each question, start marker after each response template.
          </span>
        </span>
      </label>
      {markersApply ? <MarkerOptions /> : null}
      {strategy === "completion-only" ? (
        <>
          <TemplateSpecInput
            label="Response template"
            testId="response-spec"
            value={masking.responseTemplate}
            fallback={templates.response}
            onChange={(responseTemplate) => setMasking({ responseTemplate })}
          />
          <TemplateSpecInput
            label="Instruction template"
            testId="instruction-spec"
            value={masking.instructionTemplate}
            fallback={templates.instruction}
            allowNone
            onChange={(instructionTemplate) => setMasking({ instructionTemplate })}
          />
        </>
      ) : strategy === "special-tokens" ? (
        <p className="hint">Adds the formatting's two templates as special tokens; edit them under Formatting.</p>
      ) : strategy === "chat-template" ? (
        <p className="hint">
          Renders each conversation with the tokenizer's chat template, whatever Formatting says; markers are not inserted.
        </p>
      ) : null}
      <ExtraSpecialTokens />
      <ResolvedIds />
      <TrainerSection />
    </section>
  );
}
