// The playground as a share link, a JSON file and a local autosave: what each last did, so the
// Data & sharing panel can say it, and replacing the whole playground with an undo.
import type { StateCreator } from "zustand";
import { encodeShareHash, exportStateFile, importStateFile, MAX_SHARE_HASH_CHARS, MAX_SHARE_JSON_CHARS } from "../core/share/codec";
import type { PlaygroundSnapshot } from "../core/playgroundState";
import { environment } from "../services/environment";
import { selectSnapshot, snapshotPatch } from "./playgroundSnapshot";
import type { PlaygroundState, SharingSlice } from "./state";

/** Characters of the turns and holdout: a lower bound on the JSON size, cheap on 100k examples. */
export function textChars(state: PlaygroundSnapshot): number {
  let n = state.holdout.prompt.length + state.holdout.expected.length;
  for (const ex of state.examples) for (const t of ex.turns) n += t.content.length + 30;
  return n;
}

export const createSharingSlice: StateCreator<PlaygroundState, [], [], SharingSlice> = (set, get) => ({
  share: { kind: "idle" },
  linkNotice: null,
  pendingShared: null,
  autosave: { kind: "off" },
  restoreNotice: null,
  fileNotice: null,
  playgroundUndo: null,

  copyShareLink: async () => {
    const state = selectSnapshot(get());
    const tooLarge = (chars: number, limit: number, what: "link" | "data") => set({ share: { kind: "too-large", chars, limit, what } });
    // The link decoder refuses more than MAX_SHARE_JSON_CHARS however well it compresses.
    const rough = textChars(state);
    if (rough > MAX_SHARE_JSON_CHARS) return tooLarge(rough, MAX_SHARE_JSON_CHARS, "data");
    const json = JSON.stringify(state).length;
    if (json > MAX_SHARE_JSON_CHARS) return tooLarge(json, MAX_SHARE_JSON_CHARS, "data");
    // shareLinkFits(state) would encode a second time; this is its test on the one encoding.
    const hash = encodeShareHash(state);
    if (hash.length > MAX_SHARE_HASH_CHARS) return tooLarge(hash.length, MAX_SHARE_HASH_CHARS, "link");
    const { location: page, clipboard } = environment();
    const url = `${page.origin}${page.pathname}${hash}`;
    if (!clipboard) {
      return set({
        share: {
          kind: "manual",
          url,
          reason: "this browser gives the page no clipboard (an http:// address that is not localhost, or an old browser)",
        },
      });
    }
    try {
      await clipboard.writeText(url);
      set({ share: { kind: "copied", url } });
    } catch (err) {
      set({
        share: { kind: "manual", url, reason: `the browser refused the clipboard (${(err as Error).message || "permission denied"})` },
      });
    }
  },

  dismissShare: () => set({ share: { kind: "idle" } }),

  exportPlayground: () => {
    const fileName = `playground-${new Date().toISOString().slice(0, 10)}.json`;
    const text = exportStateFile(selectSnapshot(get()));
    set({
      fileNotice: {
        tone: "info",
        title: `Exported ${fileName}`,
        detail: `${get().examples.length} examples and every setting. Import it here, or share it when the link is too long.`,
      },
    });
    return { fileName, text };
  },

  importPlayground: (text, fileName) => {
    const decoded = importStateFile(text, fileName);
    if (!decoded.ok) {
      return set({
        fileNotice: {
          tone: "error",
          title: `${fileName} was not imported`,
          detail: `${decoded.error}. Nothing changed; pick a file made with "Export as JSON file".`,
        },
      });
    }
    get().replacePlayground(decoded.state, fileName);
    set({
      fileNotice: {
        tone: "info",
        title: `Imported ${fileName}`,
        detail: `${decoded.state.examples.length} examples and every setting replaced the playground; Undo brings yours back.`,
      },
    });
  },

  replacePlayground: (state, what) => {
    const previous = selectSnapshot(get());
    set({ ...snapshotPatch(state), playgroundUndo: { what, previous }, datasetUndo: null });
  },

  undoPlaygroundReplace: () => {
    const undo = get().playgroundUndo;
    if (!undo) return;
    set({ ...snapshotPatch(undo.previous), playgroundUndo: null, fileNotice: null, linkNotice: null });
  },

  resolvePendingShared: (accept) => {
    const shared = get().pendingShared;
    if (!shared) return;
    if (accept) get().replacePlayground(shared, "the shared playground");
    set({
      pendingShared: null,
      linkNotice: accept
        ? {
            tone: "info",
            title: "Opened the shared playground",
            detail: `${shared.examples.length} examples and the sender's settings replaced yours; Undo brings yours back.`,
          }
        : {
            tone: "info",
            title: "Kept your playground",
            detail: "The shared playground was not applied. To look at it later, download it and import the file.",
            download: { label: "Download the shared playground", fileName: "shared-playground.json", text: exportStateFile(shared) },
          },
    });
  },

  dismissNotice: (which) => set({ [which]: null }),
});
