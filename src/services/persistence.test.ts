// The autosave and share links against a fake environment: an edit is written to the fake
// storage after the debounce and comes back on a "reload"; hiding the page saves at once; a share
// link in the hash is opened and consumed.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodeShareHash } from "../core/share/codec";
import { fakeEnvironment, setEnvironment, type FakeEnvironment } from "./environment";
import { AUTOSAVE_DELAY_MS, AUTOSAVE_KEY, BROKEN_AUTOSAVE_KEY, startPersistence } from "./persistence";
import { selectSnapshot, snapshotPatch } from "../store/playgroundSnapshot";
import { usePlayground } from "../store/playgroundStore";

const defaults = selectSnapshot(usePlayground.getState());
const editHoldout = (prompt: string) => usePlayground.setState((s) => ({ holdout: { ...s.holdout, prompt } }));
let stop: (() => void) | null = null;

/** A page load: the store at its defaults, persistence started against `env`. */
function load(env: FakeEnvironment): void {
  stop?.();
  usePlayground.setState(snapshotPatch(defaults));
  usePlayground.setState({ autosave: { kind: "off" }, restoreNotice: null, linkNotice: null, pendingShared: null });
  stop = startPersistence(env);
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  stop?.();
  stop = null;
  setEnvironment(null);
  vi.useRealTimers();
  usePlayground.setState(snapshotPatch(defaults));
});

describe("autosave", () => {
  it("writes an edit to the storage after the debounce and restores it on the next load", () => {
    const env = fakeEnvironment();
    load(env);
    editHoldout("What is the capital of France?");
    expect(env.storedItems.has(AUTOSAVE_KEY)).toBe(false); // still within the debounce
    vi.advanceTimersByTime(AUTOSAVE_DELAY_MS);
    expect(env.storedItems.get(AUTOSAVE_KEY)).toContain("What is the capital of France?");
    expect(usePlayground.getState().autosave.kind).toBe("saved");

    load(env);
    expect(usePlayground.getState().holdout.prompt).toBe("What is the capital of France?");
  });

  it("saves at once when the page is hidden within the debounce", () => {
    const env = fakeEnvironment();
    load(env);
    editHoldout("closed right after typing");
    env.hide();
    expect(env.storedItems.get(AUTOSAVE_KEY)).toContain("closed right after typing");
  });

  it("keeps an unreadable autosave aside and says so, with a download", () => {
    const env = fakeEnvironment();
    env.storage!.setItem(AUTOSAVE_KEY, "{not json");
    load(env);
    expect(env.storedItems.get(BROKEN_AUTOSAVE_KEY)).toBe("{not json");
    expect(usePlayground.getState().restoreNotice?.download?.text).toBe("{not json");
  });

  it("pauses with a next step when the browser gives no storage", () => {
    load(fakeEnvironment({ storage: "none" }));
    editHoldout("nowhere to go");
    vi.advanceTimersByTime(AUTOSAVE_DELAY_MS);
    const autosave = usePlayground.getState().autosave;
    expect(autosave.kind).toBe("failed");
    expect(autosave.kind === "failed" && autosave.notice.detail).toMatch(/local storage.*Export the playground as a JSON file/);
  });
});

describe("share link in the address", () => {
  it("opens a link pasted into an open page and removes it from the address", () => {
    const env = fakeEnvironment();
    load(env);
    const shared = { ...defaults, holdout: { prompt: "shared prompt", expected: "shared answer" } };
    env.setHash(encodeShareHash(shared));
    expect(usePlayground.getState().holdout.prompt).toBe("shared prompt");
    expect(usePlayground.getState().linkNotice?.title).toBe("Opened the shared playground");
    expect(env.location.hash).toBe("");
  });

  it("reports a broken link and still consumes it", () => {
    const env = fakeEnvironment({ hash: "#s=garbage" });
    load(env);
    expect(usePlayground.getState().linkNotice?.tone).toBe("error");
    expect(env.location.hash).toBe("");
  });
});
