// How conversations become text: the notebook's two text templates (edited JSON-escaped, so the
// newlines that cause the `?\n\n` merge stay visible) or the tokenizer's own chat template.
import { NOTEBOOK_TEMPLATES } from "../../core/chat/textFormat";
import { usePlayground } from "../../store/playgroundStore";
import { EscapedTextInput } from "../common/EscapedTextInput";

export function FormattingPanel() {
  const formatting = usePlayground((s) => s.formatting);
  const setFormatting = usePlayground((s) => s.setFormatting);
  const hasChatTemplate = usePlayground((s) => s.tokenizer.info?.hasChatTemplate ?? false);
  const templates = formatting.kind === "text" ? formatting.templates : NOTEBOOK_TEMPLATES;

  return (
    <section className="panel" aria-labelledby="formatting-heading">
      <h2 id="formatting-heading">Formatting</h2>
      <div className="segmented" role="radiogroup" aria-label="How examples become text">
        <label>
          <input
            type="radio"
            name="formatting"
            data-testid="formatting-text"
            checked={formatting.kind === "text"}
            onChange={() => setFormatting({ kind: "text", templates })}
          />
          Text templates
        </label>
        <label>
          <input
            type="radio"
            name="formatting"
            data-testid="formatting-chat-template"
            checked={formatting.kind === "chat-template"}
            onChange={() => setFormatting({ kind: "chat-template" })}
          />
          Tokenizer's chat template
        </label>
      </div>
      {formatting.kind === "text" ? (
        <>
          <p className="hint">
            Each user turn is written as <em>instruction template</em> + space + text, each answer as <em>response template</em> + space +
            text. Written escaped: <code>\n</code> is a newline.
          </p>
          <EscapedTextInput
            label="Instruction template (before user turns)"
            testId="instruction-template"
            value={formatting.templates.instruction}
            onCommit={(instruction) => setFormatting({ kind: "text", templates: { ...formatting.templates, instruction } })}
          />
          <EscapedTextInput
            label="Response template (before assistant turns)"
            testId="response-template"
            value={formatting.templates.response}
            onCommit={(response) => setFormatting({ kind: "text", templates: { ...formatting.templates, response } })}
          />
          <button type="button" className="link" onClick={() => setFormatting({ kind: "text", templates: { ...NOTEBOOK_TEMPLATES } })}>
            Reset to the notebook's templates
          </button>
        </>
      ) : (
        <p className="hint">
          {hasChatTemplate
            ? "The conversation is rendered by the tokenizer's chat_template (Jinja), as apply_chat_template does."
            : "This tokenizer has no chat_template: choose text templates, or load a tokenizer that has one."}
        </p>
      )}
    </section>
  );
}
