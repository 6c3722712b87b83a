// Loading tokenizers (bundled Qwen3, the Hugging Face hub, two dropped files). A failed load keeps
// the previous tokenizer and everything the user typed; it only sets `tokenizer.error`.
import type { StateCreator } from "zustand";
import { BUNDLED_TOKENIZER, loadHubTokenizer, loadTokenizerFromDroppedFiles, loadTokenizerFromUrls } from "../core/tokenizer/load";
import { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import type { PlaygroundState } from "./playgroundStore";
import { setCurrentTokenizer } from "./tokenizerHolder";
import { environment } from "./environment";

/** What the header and the tokenizer panel show; the tokenizer object itself is in tokenizerHolder. */
export interface TokenizerInfo {
  name: string;
  vocabSize: number;
  bosToken: string | null;
  bosId: number | null;
  eosToken: string | null;
  eosId: number | null;
  padToken: string | null;
  padId: number | null;
  hasChatTemplate: boolean;
}

export interface TokenizerStatus {
  /** What is being loaded right now (shown as "loading …"), or null. */
  loading: string | null;
  /** The last load's failure, shown until the next load starts. */
  error: string | null;
  info: TokenizerInfo | null;
  /** Bumped on every successful load, so memoized views recompute. */
  version: number;
}

export interface TokenizerSlice {
  tokenizer: TokenizerStatus;
  loadBundledTokenizer: () => Promise<void>;
  loadHubTokenizer: (modelId: string) => Promise<void>;
  loadDroppedTokenizer: (files: File[]) => Promise<void>;
  /** A model's own tokenizer files (hub download or dropped folder), named after the model. */
  loadModelTokenizer: (name: string, tokenizerJson: unknown, tokenizerConfig: unknown) => Promise<void>;
}

function infoOf(t: PlaygroundTokenizer): TokenizerInfo {
  return {
    name: t.name,
    vocabSize: t.vocabSize,
    bosToken: t.bosToken,
    bosId: t.bosId,
    eosToken: t.eosToken,
    eosId: t.eosId,
    padToken: t.padToken,
    padId: t.padId,
    hasChatTemplate: t.chatTemplate !== null,
  };
}

const browserFetch = (url: string) => window.fetch(url);

export const createTokenizerSlice: StateCreator<PlaygroundState, [], [], TokenizerSlice> = (set, get) => {
  async function load(what: string, run: () => Promise<PlaygroundTokenizer>) {
    set((s) => ({ tokenizer: { ...s.tokenizer, loading: what, error: null } }));
    try {
      const tokenizer = await run();
      setCurrentTokenizer(tokenizer);
      set((s) => ({ tokenizer: { loading: null, error: null, info: infoOf(tokenizer), version: s.tokenizer.version + 1 } }));
    } catch (err) {
      const kept = get().tokenizer.info;
      const keep = kept ? ` Still using ${kept.name}.` : "";
      set((s) => ({ tokenizer: { ...s.tokenizer, loading: null, error: `${(err as Error).message}${keep}` } }));
    }
  }
  return {
    tokenizer: { loading: null, error: null, info: null, version: 0 },
    loadBundledTokenizer: () =>
      load(BUNDLED_TOKENIZER.name, () => {
        // The app's own files, addressed as the bundled model's download addresses them (environment.ts).
        const { appFiles } = environment();
        const urls = {
          tokenizerJson: appFiles.url(BUNDLED_TOKENIZER.files.tokenizerJson),
          tokenizerConfig: appFiles.url(BUNDLED_TOKENIZER.files.tokenizerConfig),
        };
        return loadTokenizerFromUrls(BUNDLED_TOKENIZER.name, urls, (url) => appFiles.fetch(url));
      }),
    loadHubTokenizer: (modelId) => load(modelId, () => loadHubTokenizer(modelId.trim(), browserFetch)),
    loadDroppedTokenizer: (files) => load(files.map((f) => f.name).join(" + "), () => loadTokenizerFromDroppedFiles(files)),
    loadModelTokenizer: (name, tokenizerJson, tokenizerConfig) =>
      load(name, async () => PlaygroundTokenizer.fromFiles({ name, tokenizerJson, tokenizerConfig })),
  };
};
