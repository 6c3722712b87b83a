// The chat with the model: who answers (the base model or a run's adapter; two side by side), the
// exchanges so far with each side's answer as it streams in, and the generation settings. A store of
// its own, apart from the playground's: a conversation is not part of what a share link, the
// autosave or a run record holds.
import { create } from "zustand";
import type { ChatExchange } from "../core/chat/chatPrompt";
import type { FinishReason } from "../core/protocol";
import { DEFAULT_GENERATION, type GenerationSettings } from "../core/settings/generationSettings";

/** Who answers: the model as loaded, or with a run's LoRA adapter. */
export type ChatSource = { kind: "base" } | { kind: "run"; runId: string };

export interface ChatAnswer {
  /** Decoded so far, without the stop token. */
  text: string;
  /** Tokens generated so far (the stop token included). */
  tokens: number;
  /** null while it streams. */
  finish: FinishReason | null;
  /** Why this side could not answer, and what to do. */
  error: string | null;
}

export interface ChatEntry {
  question: string;
  /** Who was asked (the sources at the time). */
  sources: ChatSource[];
  /** One per source. */
  answers: ChatAnswer[];
}

export interface ChatState {
  /** One source, or two side by side. */
  sources: ChatSource[];
  entries: ChatEntry[];
  settings: GenerationSettings;
  /** Generation ids in flight (what the stop button stops). */
  inFlight: string[];
  /** Why nothing was asked (no tokenizer yet, the model failed to load…). */
  notice: string | null;
  setSources(sources: ChatSource[]): void;
  setSettings(settings: GenerationSettings): void;
  clear(): void;
}

export const EMPTY_ANSWER: ChatAnswer = { text: "", tokens: 0, finish: null, error: null };

export const useChat = create<ChatState>()((set) => ({
  sources: [{ kind: "base" }],
  entries: [],
  settings: DEFAULT_GENERATION,
  inFlight: [],
  notice: null,
  // Another side has another history: a new conversation starts.
  setSources: (sources) => set({ sources, entries: [], notice: null }),
  setSettings: (settings) => set({ settings }),
  clear: () => set({ entries: [], notice: null }),
}));

/** The conversation as core/chat/chatPrompt reads it: each side's answers as text. */
export function exchangesOf(entries: readonly ChatEntry[]): ChatExchange[] {
  return entries.map((e) => ({ question: e.question, answers: e.answers.map((a) => a.text) }));
}

/** Replaces part of one side's answer to entry `index`. */
export function updateAnswer(index: number, side: number, patch: Partial<ChatAnswer>): void {
  useChat.setState((s) => ({
    entries: s.entries.map((e, k) => (k === index ? { ...e, answers: e.answers.map((a, j) => (j === side ? { ...a, ...patch } : a)) } : e)),
  }));
}
