// A masking warning where it happens, with its reason (the core's message), the template-versus-
// context picture when a template was not found, and a button for the usual next step.
import type { PlaygroundTokenizer } from "../../core/tokenizer/playgroundTokenizer";
import type { MaskWarning, TemplateMismatch } from "../../core/types";
import { usePlayground } from "../../store/playgroundStore";
import { TokenIdList } from "./TokenIdList";

const INFO_CODES = new Set(["new-token-embeddings"]);

function MismatchView({ tokenizer, mismatch }: { tokenizer: PlaygroundTokenizer; mismatch: TemplateMismatch }) {
  const { alone, inContext, mergedPositions } = mismatch;
  const merged = mergedPositions.map((i) => inContext.ids[i]);
  return (
    <div className="mismatch" data-testid="mismatch">
      <div className="mismatch-row">
        <span className="mismatch-label">Template tokenized alone</span>
        <TokenIdList tokenizer={tokenizer} ids={alone.ids} testId="mismatch-alone" />
      </div>
      {inContext.start >= 0 ? (
        <div className="mismatch-row">
          <span className="mismatch-label">Same text in this example (from token #{inContext.start})</span>
          <TokenIdList tokenizer={tokenizer} ids={inContext.ids} highlight={mergedPositions} testId="mismatch-in-context" />
        </div>
      ) : (
        <p>The template's text does not occur in this example at all: check the formatting templates.</p>
      )}
      {merged.length > 0 ? (
        <p className="mismatch-explain" data-testid="mismatch-explain">
          In context the tokenizer merged the template's edge with its neighbour:{" "}
          {merged.map((id, k) => (
            <span key={k}>
              <code className="merged-inline">{tokenizer.displayToken(id)}</code> (id {id}){k < merged.length - 1 ? ", " : ""}
            </span>
          ))}{" "}
          is a single token, so the template's own first token <code>{tokenizer.displayToken(alone.ids[0])}</code> (id {alone.ids[0]}) never
          appears and the id sequence is not found.
        </p>
      ) : null}
    </div>
  );
}

function NextStep({ warning }: { warning: MaskWarning }) {
  const strategy = usePlayground((s) => s.masking.strategy);
  const trainer = usePlayground((s) => s.trainer.name);
  const setMasking = usePlayground((s) => s.setMasking);
  const m = warning.mismatch;
  if (warning.code !== "template-not-found" && warning.code !== "instruction-template-not-found") return null;
  // The buttons change the strategy's options; a trainer preset's warning names the tool's own fix.
  if (strategy !== "completion-only" || trainer !== null) return null;
  const useInContext = m && m.inContext.start >= 0;
  return (
    <div className="next-steps">
      <button type="button" data-testid="fix-special-tokens" onClick={() => setMasking({ strategy: "special-tokens" })}>
        Use the special-tokens strategy
      </button>
      {useInContext ? (
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setMasking(
              warning.template === "instruction"
                ? { instructionTemplate: { ids: m.inContext.ids } }
                : { responseTemplate: { ids: m.inContext.ids } },
            )
          }
        >
          Use the in-context ids {m.inContext.ids.join(", ")}
        </button>
      ) : null}
    </div>
  );
}

/** The first sentence of a message: what went wrong, without the why. */
function headline(message: string): string {
  const end = message.search(/\.\s/);
  return end < 0 ? message : message.slice(0, end + 1);
}

interface Props {
  warning: MaskWarning;
  tokenizer: PlaygroundTokenizer;
  /** Same problem already explained in full above: show the headline, the details folded. */
  repeated?: boolean;
}

export function WarningBox({ warning, tokenizer, repeated = false }: Props) {
  const info = INFO_CODES.has(warning.code);
  const details = (
    <>
      {warning.mismatch ? <MismatchView tokenizer={tokenizer} mismatch={warning.mismatch} /> : null}
      <NextStep warning={warning} />
    </>
  );
  const short = headline(warning.message);
  return (
    <div className={`message ${info ? "info" : "warning"}`} role={info ? "note" : "alert"} data-testid="warning" data-code={warning.code}>
      {repeated && short !== warning.message ? (
        <>
          <p>{short}</p>
          <details className="warning-more">
            <summary>Same cause as above: why, and how to fix it</summary>
            <p>{warning.message.slice(short.length).trim()}</p>
            {details}
          </details>
        </>
      ) : (
        <>
          <p>{warning.message}</p>
          {details}
        </>
      )}
    </div>
  );
}
