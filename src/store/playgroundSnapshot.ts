// The serialisable playground (what share URLs, exported files and the autosave hold), read from
// and written back to the store in one place. Pure functions of the state, so that slices can use
// them with their own `set` without importing the store they are part of.
import type { PlaygroundSnapshot } from "../core/playgroundState";
import type { PlaygroundState } from "./state";

export function selectSnapshot(s: PlaygroundState): PlaygroundSnapshot {
  return { examples: s.examples, holdout: s.holdout, formatting: s.formatting, masking: s.masking, model: s.model, training: s.training };
}

/** The store patch that replaces the whole playground (after the caller validated `state` and asked the user). */
export function snapshotPatch(state: PlaygroundSnapshot): Pick<PlaygroundState, keyof PlaygroundSnapshot> {
  return {
    examples: structuredClone(state.examples),
    holdout: { ...state.holdout },
    formatting: structuredClone(state.formatting),
    masking: structuredClone(state.masking),
    model: structuredClone(state.model),
    training: structuredClone(state.training),
  };
}
