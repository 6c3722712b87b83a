// Startup and autosave: restore the autosaved playground, open a share link in the address, and
// keep saving (debounced) to local storage. Storage and the address bar come from the environment
// (./environment), so tests run this against a fake one.
import type { PlaygroundSnapshot } from "../core/playgroundState";
import { decodeShareHash, MAX_AUTOSAVE_CHARS, parseAutosave, serializeAutosave } from "../core/share/codec";
import { formatBytes } from "../core/dataset/bytes";
import { environment, type Environment } from "./environment";
import { selectSnapshot } from "../store/playgroundSnapshot";
import { autosaveChanged, autosaveRestored, noticeShown, sharedPlaygroundPending } from "../store/actions";
import { usePlayground } from "../store/playgroundStore";
import type { Notice } from "../store/state";
import { textChars } from "../store/sharingSlice";

export const AUTOSAVE_KEY = "finetuning-playground:autosave";
/** Where an autosave that could not be read is moved, so the next save does not destroy it. */
export const BROKEN_AUTOSAVE_KEY = "finetuning-playground:autosave-unreadable";
/** Quiet time after the last edit before saving. */
export const AUTOSAVE_DELAY_MS = 400;

const SNAPSHOT_KEYS = ["examples", "holdout", "formatting", "masking", "model", "training"] as const;

/** JSON with sorted keys: two states are the same playground when these strings are equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

export const samePlayground = (a: PlaygroundSnapshot, b: PlaygroundSnapshot) => canonical(a) === canonical(b);

/** What the autosave holds now (canonical), so an equal state is not written again. */
let lastSaved: string | null = null;

function restoreAutosave(env: Environment): void {
  const store = env.storage;
  const text = store?.getItem(AUTOSAVE_KEY);
  if (!store || text == null) return;
  const decoded = parseAutosave(text);
  if (decoded.ok) {
    autosaveRestored(decoded.state);
    lastSaved = canonical(decoded.state);
    return;
  }
  try {
    store.setItem(BROKEN_AUTOSAVE_KEY, text);
  } catch {
    // No room for the copy: the download below still has it.
  }
  const notice: Notice = {
    tone: "warning",
    title: "The autosaved playground could not be restored",
    detail: `${decoded.error}. The default playground is shown instead and will be autosaved from your next edit. The unreadable autosave is kept: download it to repair it by hand.`,
    download: { label: "Download the unreadable autosave", fileName: "unreadable-autosave.json", text },
  };
  noticeShown("restoreNotice", notice);
}

/** Opens the share link in the address, asking first when it would replace the user's own edits. */
function openShareHash(env: Environment, defaults: PlaygroundSnapshot): void {
  const hash = env.location.hash;
  if (hash === "" || hash === "#") return;
  const decoded = decodeShareHash(hash);
  // Applied or not, the link is consumed: a reload must not ask again.
  env.location.replaceHash("");
  if (!decoded.ok) {
    noticeShown("linkNotice", {
      tone: "error",
      title: "The share link could not be opened",
      detail: `${decoded.error}. Your playground is unchanged. Ask the sender for the link again (chat apps sometimes cut long links), or for an exported JSON file.`,
    });
    return;
  }
  const current = selectSnapshot(usePlayground.getState());
  if (samePlayground(current, decoded.state)) {
    noticeShown("linkNotice", {
      tone: "info",
      title: "The shared playground is already open",
      detail: "The link holds exactly what you have; nothing changed.",
    });
  } else if (samePlayground(current, defaults)) {
    // The playground as the user found it (the startup defaults): replaced, with Undo.
    usePlayground.getState().replacePlayground(decoded.state, "the shared playground");
    noticeShown("linkNotice", {
      tone: "info",
      title: "Opened the shared playground",
      detail: `${decoded.state.examples.length} examples and the sender's settings. Your playground was the default one; Undo brings it back.`,
    });
  } else {
    sharedPlaygroundPending(decoded.state);
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;

function saveNow(env: Environment): void {
  clearTimeout(timer);
  timer = undefined;
  const store = env.storage;
  const fail = (detail: string) => autosaveChanged({ kind: "failed", notice: { tone: "warning", title: "Autosave is paused", detail } });
  if (!store)
    return fail(
      "This browser does not let the page use local storage (private mode or blocked site data). Export the playground as a JSON file to keep it.",
    );
  const state = selectSnapshot(usePlayground.getState());
  const keep = "A reload brings back the last autosave, not this playground. Export it as a JSON file to keep it.";
  // The examples alone are over the limit: skip stringifying a 200 MB state on the page.
  const rough = textChars(state);
  if (rough > MAX_AUTOSAVE_CHARS)
    return fail(
      `The playground is over ${formatBytes(rough)}, more than the ${formatBytes(MAX_AUTOSAVE_CHARS)} the autosave holds. ${keep}`,
    );
  const same = canonical(state);
  if (same === lastSaved) {
    // Back to what is stored (an undo after a failed save): nothing to write, nothing paused.
    if (usePlayground.getState().autosave.kind === "failed") autosaveChanged({ kind: "saved", at: Date.now() });
    return;
  }
  const text = serializeAutosave(state);
  if (text.length > MAX_AUTOSAVE_CHARS)
    return fail(
      `The playground is ${formatBytes(text.length)}, more than the ${formatBytes(MAX_AUTOSAVE_CHARS)} the autosave holds. ${keep}`,
    );
  try {
    store.setItem(AUTOSAVE_KEY, text);
    lastSaved = same;
    autosaveChanged({ kind: "saved", at: Date.now() });
  } catch (err) {
    fail(`The browser's storage refused ${formatBytes(text.length)} (${(err as Error).name}: the site's storage is full). ${keep}`);
  }
}

/** Undoes a running startPersistence(); null while none runs. */
let stop: (() => void) | null = null;

/**
 * Call once before the first render (a second call while it runs does nothing). Returns a stop
 * function for tests, which start it again against a fresh fake environment to act out a reload.
 */
export function startPersistence(env: Environment = environment()): () => void {
  if (stop) return stop;
  const defaults = selectSnapshot(usePlayground.getState());
  restoreAutosave(env);
  openShareHash(env, defaults);
  const offs = [
    usePlayground.subscribe((s, prev) => {
      if (!SNAPSHOT_KEYS.some((k) => s[k] !== prev[k])) return;
      clearTimeout(timer);
      timer = setTimeout(() => saveNow(env), AUTOSAVE_DELAY_MS);
    }),
    env.location.onHashChange(() => openShareHash(env, defaults)),
    // Closing, reloading or leaving the tab within the debounce still saves the last edit.
    env.lifecycle.onHidden(() => {
      if (timer !== undefined) saveNow(env);
    }),
  ];
  stop = () => {
    offs.forEach((off) => off());
    clearTimeout(timer);
    timer = undefined;
    lastSaved = null;
    stop = null;
  };
  return stop;
}
