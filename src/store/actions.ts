// The state changes the services make, each named for what happened and kept in one place: a service
// says "the worker crashed" or "the stored runs are loaded", and this module knows which slices' keys
// that writes. Nothing outside the store calls usePlayground.setState.
import type { PlaygroundSnapshot } from "../core/playgroundState";
import { snapshotPatch } from "./playgroundSnapshot";
import { usePlayground } from "./playgroundStore";
import type {
  AutosaveStatus,
  EngineStatus,
  ModelLoadStatus,
  Notice,
  PlaygroundState,
  RunsStorageState,
  SavedRuns,
  TeacherForcedResult,
} from "./state";

const set = usePlayground.setState;

// The training worker and its model.

/** A worker starts (again): the last one's crash is no longer news. */
export const workerStarting = () => set((s) => ({ engine: { ...s.engine, workerError: null } }));
export const workerReady = (engine: Omit<EngineStatus, "workerError">) => set({ engine: { ...engine, workerError: null } });
/** The worker crashed or said something the page cannot read. */
export const workerFailed = (message: string) => set((s) => ({ engine: { ...s.engine, workerError: message } }));
/** The worker is gone, with it the model it held; `error` says why when it did not stop on request. */
export const workerStopped = (error: string | null) => set((s) => ({ loadedModel: null, engine: { ...s.engine, workerError: error } }));
export const workerModelChanged = (loaded: PlaygroundState["loadedModel"]) => set({ loadedModel: loaded });
export const modelLoadChanged = (patch: Partial<ModelLoadStatus>) => set((s) => ({ modelLoad: { ...s.modelLoad, ...patch } }));
/** A dropped model folder is in use (its name), or the bundled / hub model is again (null). */
export const modelFolderChosen = (name: string | null) => set({ droppedModelName: name });
/** Why a run (or a teacher-forced view) could not start; null clears it. */
export const startFailed = (message: string | null) => set({ startError: message });

/** A teacher-forced view for example `index` is asked for (loading), arrived, or failed (`error`). */
export function teacherForcedChanged(index: number, result: TeacherForcedResult | "loading" | { error: string }): void {
  set((s) => {
    const teacherForced = { ...s.teacherForced };
    if (typeof result === "object" && "error" in result) {
      delete teacherForced[index];
      return { teacherForced, startError: result.error };
    }
    return { teacherForced: { ...teacherForced, [index]: result } };
  });
}

// The runs' storage.

export const runsStorageChanged = (update: Partial<RunsStorageState>) => set((s) => ({ runsStorage: { ...s.runsStorage, ...update } }));

/** The database's runs join those started while it was read (there should be none), newest last. */
export function storedRunsLoaded(loaded: SavedRuns, storage: Partial<RunsStorageState>): void {
  set((s) => ({
    runs: { ...loaded.runs, ...s.runs },
    runOrder: [...loaded.runOrder.filter((id) => !s.runs[id]), ...s.runOrder],
    baselineRunId: s.baselineRunId ?? loaded.baselineRunId,
    currentRunId: s.currentRunId ?? loaded.runOrder.at(-1) ?? null,
    runsStorage: { ...s.runsStorage, ...storage },
  }));
}

// The playground as a whole: autosave, share link, file.

/** The autosaved playground replaces the defaults at start (no undo: nothing of the user's is lost). */
export const autosaveRestored = (state: PlaygroundSnapshot) => set(snapshotPatch(state));
export const autosaveChanged = (autosave: AutosaveStatus) => set({ autosave });
export const noticeShown = (which: "linkNotice" | "restoreNotice" | "fileNotice", notice: Notice) => set({ [which]: notice });
/** A share link that would replace the user's edits waits for their answer. */
export const sharedPlaygroundPending = (state: PlaygroundSnapshot) => set({ pendingShared: state });
