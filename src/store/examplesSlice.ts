// The training conversations and the holdout prompt, with the edits the examples editor offers.
import type { StateCreator } from "zustand";
import { DEFAULT_EXAMPLES, DEFAULT_HOLDOUT } from "../core/defaults";
import type { ChatExample, Role, Turn } from "../core/types";
import type { ExamplesSlice, PlaygroundState } from "./state";

let nextId = 1;
const newId = () => `ex-new-${Date.now().toString(36)}-${nextId++}`;

function withExample(examples: ChatExample[], index: number, edit: (turns: Turn[]) => Turn[]): ChatExample[] {
  return examples.map((ex, i) => (i === index ? { ...ex, turns: edit(ex.turns) } : ex));
}

/**
 * The role a new turn gets, so conversations keep their order: the assistant after a question or a
 * tool's result, a tool's result after an answer that calls tools, else a question.
 */
function nextRole(turns: readonly Turn[]): Role {
  const last = turns[turns.length - 1];
  if (last?.role === "assistant" && (last.toolCalls?.length ?? 0) > 0) return "tool";
  return last?.role === "user" || last?.role === "tool" ? "assistant" : "user";
}

export const createExamplesSlice: StateCreator<PlaygroundState, [], [], ExamplesSlice> = (set) => ({
  examples: structuredClone(DEFAULT_EXAMPLES),
  holdout: { ...DEFAULT_HOLDOUT },
  setTurn: (example, turn, patch) =>
    set((s) => ({ examples: withExample(s.examples, example, (turns) => turns.map((t, j) => (j === turn ? { ...t, ...patch } : t))) })),
  setTools: (example, tools) =>
    set((s) => ({
      examples: s.examples.map((ex, i) => {
        if (i !== example) return ex;
        const { tools: _old, ...rest } = ex;
        return tools && tools.length > 0 ? { ...rest, tools } : rest;
      }),
    })),
  addTurn: (example) =>
    set((s) => ({ examples: withExample(s.examples, example, (turns) => [...turns, { role: nextRole(turns), content: "" }]) })),
  removeTurn: (example, turn) =>
    set((s) => ({ examples: withExample(s.examples, example, (turns) => turns.filter((_, j) => j !== turn)) })),
  addExample: () =>
    set((s) => ({
      examples: [
        ...s.examples,
        {
          id: newId(),
          turns: [
            { role: "user", content: "" },
            { role: "assistant", content: "" },
          ],
        },
      ],
    })),
  removeExample: (example) => set((s) => ({ examples: s.examples.filter((_, i) => i !== example) })),
  moveExample: (example, delta) =>
    set((s) => {
      const to = example + delta;
      if (to < 0 || to >= s.examples.length) return {};
      const examples = [...s.examples];
      [examples[example], examples[to]] = [examples[to], examples[example]];
      return { examples };
    }),
  setHoldout: (patch) => set((s) => ({ holdout: { ...s.holdout, ...patch } })),
});
