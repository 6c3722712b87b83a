// Loading tokenizers (bundled Qwen3, the Hugging Face hub, two dropped files). A failed load keeps
// the previous tokenizer and everything the user typed; it only sets `tokenizer.error`.
import type { StateCreator } from "zustand";
import { BUNDLED_MODEL } from "../core/bundledModel";
import { BUNDLED_TOKENIZER, loadHubTokenizer, loadTokenizerFromDroppedFiles } from "../core/tokenizer/load";
import { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import type { PlaygroundState, TokenizerInfo, TokenizerSlice } from "./state";
import { setCurrentTokenizer } from "./tokenizerHolder";
import { environment } from "../services/environment";

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
        return loadHubTokenizer({ modelId: BUNDLED_TOKENIZER.name, folderUrl: appFiles.url(BUNDLED_MODEL.folder), fetch: appFiles.fetch });
      }),
    // From the mirror set under Advanced, as the model download.
    loadHubTokenizer: (modelId) => load(modelId, () => loadHubTokenizer({ modelId, baseUrl: get().hubBaseUrl.trim() || undefined })),
    loadDroppedTokenizer: (files) => load(files.map((f) => f.name).join(" + "), () => loadTokenizerFromDroppedFiles(files)),
    loadModelTokenizer: (name, tokenizerJson, tokenizerConfig) =>
      load(name, async () => PlaygroundTokenizer.fromFiles({ name, tokenizerJson, tokenizerConfig })),
  };
};
