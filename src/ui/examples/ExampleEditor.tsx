// Editing one conversation: each turn's role and text, an assistant's tool calls, the tools offered;
// add/remove turns; reorder or remove the example.
import { memo } from "react";
import { toolCallList, toolsOf } from "../../core/dataset/toolCalls";
import { ROLES, type ChatExample, type Role, type ToolCall } from "../../core/types";
import { usePlayground } from "../../store/playgroundStore";
import { JsonField } from "./JsonField";
import { Options } from "../common/Options";

/** A call to start from when "+ tool call" is pressed. */
const NEW_TOOL_CALL: ToolCall = { name: "function_name", arguments: {} };
/** A tool to start from when "+ tools" is pressed. */
const NEW_TOOL = {
  type: "function",
  function: { name: "function_name", description: "What it does", parameters: { type: "object", properties: {} } },
};

interface Props {
  example: ChatExample;
  index: number;
  count: number;
}

export const ExampleEditor = memo(function ExampleEditor({ example, index, count }: Props) {
  const setTurn = usePlayground((s) => s.setTurn);
  const addTurn = usePlayground((s) => s.addTurn);
  const removeTurn = usePlayground((s) => s.removeTurn);
  const removeExample = usePlayground((s) => s.removeExample);
  const moveExample = usePlayground((s) => s.moveExample);
  const setTools = usePlayground((s) => s.setTools);

  return (
    <div className="example-editor" data-testid={`example-editor-${index}`}>
      {example.tools ? (
        <JsonField
          label={`Tools offered (${example.tools.length}), as JSON schemas`}
          testId={`tools-${index}`}
          value={example.tools}
          read={toolsOf}
          onCommit={(tools) => setTools(index, tools)}
        />
      ) : null}
      {example.turns.map((turn, t) => (
        <div className={`turn role-${turn.role}`} key={t} data-testid={`turn-${index}-${t}`}>
          <div className="turn-head">
            <select
              aria-label={`Example ${index + 1}, turn ${t + 1} role`}
              data-testid={`role-${index}-${t}`}
              value={turn.role}
              onChange={(e) => setTurn(index, t, { role: e.target.value as Role })}
            >
              <Options items={ROLES} />
            </select>
            <button
              type="button"
              className="icon"
              aria-label={`Remove turn ${t + 1} of example ${index + 1}`}
              title="Remove this turn"
              onClick={() => removeTurn(index, t)}
            >
              ×
            </button>
          </div>
          <textarea
            aria-label={`Example ${index + 1}, turn ${t + 1} (${turn.role}) text`}
            data-testid={`content-${index}-${t}`}
            value={turn.content}
            rows={Math.min(6, Math.max(1, turn.content.split("\n").length, Math.ceil(turn.content.length / 48)))}
            spellCheck={false}
            onChange={(e) => setTurn(index, t, { content: e.target.value })}
          />
          {turn.role === "assistant" && turn.toolCalls ? (
            <JsonField
              label="Tool calls"
              testId={`tool-calls-${index}-${t}`}
              value={turn.toolCalls}
              read={toolCallList}
              onCommit={(toolCalls) => setTurn(index, t, { toolCalls: toolCalls.length > 0 ? toolCalls : undefined })}
            />
          ) : null}
          {turn.role === "assistant" && !turn.toolCalls ? (
            <button
              type="button"
              className="link-button small"
              data-testid={`add-tool-call-${index}-${t}`}
              onClick={() => setTurn(index, t, { toolCalls: [NEW_TOOL_CALL] })}
            >
              + tool call
            </button>
          ) : null}
        </div>
      ))}
      {example.turns.length === 0 ? <p className="hint">No turns: add one, or remove this example.</p> : null}
      <div className="example-actions">
        <button type="button" className="secondary small" data-testid={`add-turn-${index}`} onClick={() => addTurn(index)}>
          + turn
        </button>
        {example.tools ? null : (
          <button
            type="button"
            className="link-button small"
            data-testid={`add-tools-${index}`}
            onClick={() => setTools(index, [NEW_TOOL])}
          >
            + tools
          </button>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="icon"
          aria-label={`Move example ${index + 1} up`}
          title="Move up"
          disabled={index === 0}
          onClick={() => moveExample(index, -1)}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon"
          aria-label={`Move example ${index + 1} down`}
          title="Move down"
          disabled={index === count - 1}
          onClick={() => moveExample(index, 1)}
        >
          ↓
        </button>
        <button
          type="button"
          className="secondary small danger"
          aria-label={`Remove example ${index + 1}`}
          data-testid={`remove-example-${index}`}
          onClick={() => removeExample(index)}
        >
          Remove
        </button>
      </div>
    </div>
  );
});
