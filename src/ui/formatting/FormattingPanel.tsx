// How conversations become text: the notebook's two text templates (edited JSON-escaped, so the
// newlines that cause the `?\n\n` merge stay visible) or the tokenizer's own chat template.
import { templateHasThinkingSwitch } from "../../core/chat/chatTemplate";
import { NOTEBOOK_TEMPLATES } from "../../core/chat/textFormat";
import { usePlayground } from "../../store/playgroundStore";
import { currentTokenizer } from "../../store/tokenizerHolder";
import { EscapedTextInput } from "../common/EscapedTextInput";

export function FormattingPanel() {
  const formatting = usePlayground((s) => s.formatting);
  const setFormatting = usePlayground((s) => s.setFormatting);
  const hasChatTemplate = usePlayground((s) => s.tokenizer.info?.hasChatTemplate ?? false);
  const templates = formatting.kind === "text" ? formatting.templates : NOTEBOOK_TEMPLATES;
  // Subscribed so that another tokenizer (a new version) renders the switch again.
  usePlayground((s) => s.tokenizer.version);
  const thinkingSwitch = templateHasThinkingSwitch(currentTokenizer());

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
        <>
          <p className="hint">
            {hasChatTemplate
              ? "The conversation is rendered by the tokenizer's chat_template (Jinja), as apply_chat_template does."
              : "This tokenizer has no chat_template: choose text templates, or load a tokenizer that has one."}
          </p>
          {thinkingSwitch ? (
            <label className="check" title="The template's enable_thinking, as apply_chat_template(enable_thinking=…) passes it">
              <input
                type="checkbox"
                data-testid="enable-thinking"
                checked={formatting.enableThinking ?? false}
                onChange={(e) => setFormatting({ kind: "chat-template", enableThinking: e.target.checked })}
              />
              enable_thinking in prompts: off, a prompt ends with the empty think block the template writes before every trained answer, so
              prompt + answer is the text trained on; on, the model is asked to think first.
            </label>
          ) : null}
        </>
      )}
    </section>
  );
}
