// What the chat panel's buttons do: ask every side the same question (each with its own history),
// stream their answers from the training worker, and stop them. A run's adapter is the worker's own
// while it holds the run (also between the steps of a run that trains); a run restored from this
// browser's storage has its kept adapter loaded into the worker first.
import { chatPromptIds, decodeAnswer, sideTurns } from "../core/chat/chatPrompt";
import type { PreparedMasking } from "../core/masking/prepare";
import { stopIdsOf } from "../core/trainingData";
import { EMPTY_ANSWER, exchangesOf, updateAnswer, useChat, type ChatSource } from "../store/chatStore";
import { computeMaskView } from "../store/maskViewMemo";
import { store } from "../store/playgroundStore";
import { currentTokenizer } from "../store/tokenizerHolder";
import { ensureCurrentModel } from "./modelLoading";
import { adapterFiles } from "./runsStorage";
import * as bridge from "./workerBridge";

/** Answers asked to stop before their request reached the worker (a kept adapter was still loading). */
const stopRequested = new Set<string>();

/** The run a source names, in words: "run 3", or "the base model". */
export function sourceLabel(source: ChatSource): string {
  return source.kind === "base" ? "the base model" : (store().runs[source.runId]?.label ?? "a deleted run");
}

/** Makes sure the worker can answer as `source`; throws what to do when it cannot. */
async function prepareSource(source: ChatSource): Promise<void> {
  if (source.kind === "base" || bridge.workerHasAdapter(source.runId)) return;
  const run = store().runs[source.runId];
  if (!run) throw new Error("This run was deleted; pick another run or the base model.");
  const loaded = store().loadedModel?.info.name;
  if (run.modelName !== loaded)
    throw new Error(
      `${run.label} was trained on ${run.modelName}, but ${loaded ?? "no model"} is loaded; pick ${run.modelName} under Model to chat with it.`,
    );
  if (!run.storedAdapter)
    throw new Error(`${run.label}'s adapter was not kept (the worker lost it before it was saved); train the run again to chat with it.`);
  await bridge.loadAdapter(run.id, await adapterFiles(run.id));
}

/** The prompt formatting of the examples (formatting, masking, added tokens), or why there is none. */
function preparedMasking(): PreparedMasking {
  const tokenizer = currentTokenizer();
  if (!tokenizer) throw new Error("The tokenizer is still loading; ask again in a moment.");
  const { formatting, masking } = store();
  const mv = computeMaskView(tokenizer, [], formatting, masking);
  if (!mv.ok) throw new Error(`The formatting does not work with this tokenizer (${mv.error}); fix it under Formatting, then ask again.`);
  return mv.view.prepared;
}

/** Asks every side `question`; resolves when all have answered, stopped or failed. */
export async function askChat(question: string): Promise<void> {
  const chat = useChat.getState();
  if (chat.inFlight.length > 0 || !question.trim()) return;
  useChat.setState({ notice: null });
  const { sources, settings } = chat;
  let prepared: PreparedMasking;
  try {
    prepared = preparedMasking();
    await ensureCurrentModel();
  } catch (err) {
    useChat.setState({ notice: `Nothing was asked: ${(err as Error).message}` });
    return;
  }
  const index = useChat.getState().entries.length;
  useChat.setState((s) => ({ entries: [...s.entries, { question, sources, answers: sources.map(() => EMPTY_ANSWER) }] }));
  const exchanges = exchangesOf(useChat.getState().entries);
  const stopIds = stopIdsOf(prepared);
  await Promise.all(
    sources.map(async (source, side) => {
      const generationId = crypto.randomUUID();
      useChat.setState((s) => ({ inFlight: [...s.inFlight, generationId] }));
      const tokens: number[] = [];
      try {
        await prepareSource(source);
        if (stopRequested.has(generationId)) {
          updateAnswer(index, side, { finish: "stopped" });
          return;
        }
        const inputIds = chatPromptIds(sideTurns(exchanges, side), prepared);
        const runId = source.kind === "run" ? source.runId : null;
        const done = await bridge.generate({ generationId, runId, inputIds, settings, stopIds }, (token) => {
          tokens.push(token);
          updateAnswer(index, side, { text: decodeAnswer(prepared.tokenizer, tokens, stopIds), tokens: tokens.length });
        });
        const text = decodeAnswer(prepared.tokenizer, done.tokens, stopIds);
        updateAnswer(index, side, { text, tokens: done.tokens.length, finish: done.finish });
      } catch (err) {
        updateAnswer(index, side, { error: `${sourceLabel(source)} could not answer: ${(err as Error).message}` });
      } finally {
        stopRequested.delete(generationId);
        useChat.setState((s) => ({ inFlight: s.inFlight.filter((id) => id !== generationId) }));
      }
    }),
  );
}

/** Stops every answer in progress after its current token. */
export function stopChat(): void {
  for (const id of useChat.getState().inFlight) {
    stopRequested.add(id);
    bridge.stopGeneration(id);
  }
}
