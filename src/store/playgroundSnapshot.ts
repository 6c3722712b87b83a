// The serialisable playground (what share URLs, exported files and the autosave hold), read from
// and written back to the store in one place.
import type { PlaygroundState as SharedState } from "../core/playgroundState";
import type { PlaygroundState } from "./playgroundStore";
import { usePlayground } from "./playgroundStore";

export function selectSnapshot(s: PlaygroundState): SharedState {
  return { examples: s.examples, holdout: s.holdout, formatting: s.formatting, masking: s.masking, model: s.model, training: s.training };
}

/** Replaces the whole playground (after the caller validated `state` and asked the user). */
export function applySnapshot(state: SharedState): void {
  usePlayground.setState({
    examples: structuredClone(state.examples),
    holdout: { ...state.holdout },
    formatting: structuredClone(state.formatting),
    masking: structuredClone(state.masking),
    model: structuredClone(state.model),
    training: structuredClone(state.training),
  });
}
