// The serialisable playground (what share URLs, exported files and the autosave hold), read from
// and written back to the store in one place. Pure functions of the state, so that slices can use
// them with their own `set` without importing the store they are part of.
import type { PlaygroundState as SharedState } from "../core/playgroundState";
import type { PlaygroundState } from "./playgroundStore";

export function selectSnapshot(s: PlaygroundState): SharedState {
  return { examples: s.examples, holdout: s.holdout, formatting: s.formatting, masking: s.masking, model: s.model, training: s.training };
}

/** The store patch that replaces the whole playground (after the caller validated `state` and asked the user). */
export function snapshotPatch(state: SharedState): Pick<PlaygroundState, keyof SharedState> {
  return {
    examples: structuredClone(state.examples),
    holdout: { ...state.holdout },
    formatting: structuredClone(state.formatting),
    masking: structuredClone(state.masking),
    model: structuredClone(state.model),
    training: structuredClone(state.training),
  };
}
