// Title and the loaded tokenizer at a glance: name, vocabulary size, and its BOS / EOS / pad tokens,
// which decide what the markers and the collator can do.
import { usePlayground } from "../../store/playgroundStore";
import { scrollToSection } from "../common/scrollToSection";

function TokenFact({ label, token, id }: { label: string; token: string | null; id: number | null }) {
  return (
    <span className="fact">
      <span className="fact-label">{label}</span> {token === null ? <em className="muted">none</em> : <code>{token}</code>}
      {id !== null ? <span className="muted"> ({id})</span> : null}
    </span>
  );
}

function SectionLink({ id, label }: { id: string; label: string }) {
  return (
    <button type="button" className="link-button" onClick={() => scrollToSection(id)}>
      {label}
    </button>
  );
}

export function Header() {
  const { info, loading, error } = usePlayground((s) => s.tokenizer);
  return (
    <header className="app-header">
      <div>
        <h1>Fine-tuning playground</h1>
        <p className="subtitle">Which tokens does a fine-tune learn from? Edit the chat examples and watch the label mask.</p>
        {/* Buttons, not #anchors: the address hash carries share links. */}
        <nav className="page-nav" aria-label="Sections">
          <SectionLink id="mask-view" label="Label masks" /> · <SectionLink id="training" label="Train" /> ·{" "}
          <SectionLink id="runs" label="Runs" />
        </nav>
      </div>
      <div className="tokenizer-status" data-testid="tokenizer-status" aria-live="polite">
        {info ? (
          <>
            <span className="fact">
              <span className="fact-label">Tokenizer</span> <strong data-testid="tokenizer-name">{info.name}</strong>
            </span>
            <span className="fact">
              <span className="fact-label">vocab</span> {info.vocabSize.toLocaleString("en-US")}
            </span>
            <TokenFact label="BOS" token={info.bosToken} id={info.bosId} />
            <TokenFact label="EOS" token={info.eosToken} id={info.eosId} />
            <TokenFact label="pad" token={info.padToken} id={info.padId} />
          </>
        ) : null}
        {loading ? (
          <span className="badge loading" data-testid="tokenizer-loading">
            loading {loading}…
          </span>
        ) : null}
        {error && !info ? <span className="badge error">no tokenizer — see the Tokenizer panel</span> : null}
      </div>
    </header>
  );
}
