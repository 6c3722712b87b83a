// The whole UI state as one typed zustand store made of slices. Everything here is plain data (it
// could go into a share URL); the tokenizer object is kept in tokenizerHolder.
import { create } from "zustand";
import { createExamplesSlice, type ExamplesSlice } from "./examplesSlice";
import { createSettingsSlice, type SettingsSlice } from "./settingsSlice";
import { createTokenizerSlice, type TokenizerSlice } from "./tokenizerSlice";

export type PlaygroundState = ExamplesSlice & SettingsSlice & TokenizerSlice;

export const usePlayground = create<PlaygroundState>()((...a) => ({
  ...createExamplesSlice(...a),
  ...createSettingsSlice(...a),
  ...createTokenizerSlice(...a),
}));
