// The serialisable playground (what share URLs, exported files and the autosave hold), read from
// and written back to the store in one place. Pure functions of the state, so that slices can use
// them with their own `set` without importing the store they are part of.
import type { PlaygroundSnapshot } from "../core/playgroundState";

export function selectSnapshot(s: PlaygroundSnapshot): PlaygroundSnapshot {
  return { examples: s.examples, holdout: s.holdout, formatting: s.formatting, masking: s.masking, model: s.model, training: s.training };
}

/**
 * The store patch that replaces the whole playground (after the caller validated `state` and asked the
 * user): a deep copy of its parts, so the store shares no object with `state`.
 */
export const snapshotPatch = (state: PlaygroundSnapshot): PlaygroundSnapshot => structuredClone(selectSnapshot(state));
