// The mask view for the current state, or for another strategy (compare mode). The inputs are read
// through useDeferredValue, so a keystroke or a click paints at once and the chips follow (a
// strategy switch re-renders every chip; 50 examples × 200 tokens is ~10k of them).
import { useDeferredValue, useMemo } from "react";
import { computeMaskView, computeTrainerView, type MaskViewResult } from "./maskViewMemo";
import { usePlayground } from "./playgroundStore";
import { trainerChoice } from "./trainerSlice";
import { currentTokenizer } from "./tokenizerHolder";
import type { ViewSide } from "./state";

export type { ViewSide };

/** The rows a view is for: [start, end) of the examples; all of them when absent. */
export interface RowRange {
  start: number;
  end: number;
}

/** No rows: the view's prepared settings alone (the holdout prompt, the resolved ids). */
export const NO_ROWS: RowRange = { start: 0, end: 0 };

export interface MaskViewState {
  /** null until a tokenizer is loaded. */
  result: MaskViewResult | null;
  /** The shown view lags the latest edit (it is being recomputed). */
  pending: boolean;
}

/** The store's inputs to a view, each read through useDeferredValue; `lags(keys)`: whether those lag the store. */
function useDeferredInputs() {
  const live = {
    examples: usePlayground((s) => s.examples),
    formatting: usePlayground((s) => s.formatting),
    masking: usePlayground((s) => s.masking),
    trainer: usePlayground((s) => s.trainer),
    version: usePlayground((s) => s.tokenizer.version),
  };
  const deferred = {
    examples: useDeferredValue(live.examples),
    formatting: useDeferredValue(live.formatting),
    masking: useDeferredValue(live.masking),
    trainer: useDeferredValue(live.trainer),
    version: useDeferredValue(live.version),
  };
  const lags = (keys: Array<keyof typeof live>) => keys.some((k) => deferred[k] !== live[k]);
  return { ...deferred, lags };
}

/**
 * The mask view of one side (of the masking as set, when `side` is absent): the strategy's, or the
 * trainer's with its options from the trainer slice.
 */
export function useMaskView(side?: ViewSide, range?: RowRange): MaskViewState {
  const { examples, formatting, masking, trainer, version, lags } = useDeferredInputs();
  // A strategy's view does not change with the trainer's options.
  const options = side?.trainer ? trainer : null;
  const result = useMemo(() => {
    const tokenizer = currentTokenizer();
    if (version === 0 || tokenizer === null) return null;
    const start = range?.start ?? 0;
    const rows = examples.slice(start, range?.end);
    const choice = side && options ? trainerChoice(options, side.trainer) : null;
    if (choice) return computeTrainerView(tokenizer, rows, formatting, masking, choice, start);
    return computeMaskView(tokenizer, rows, formatting, side ? { ...masking, strategy: side.strategy } : masking, start);
  }, [examples, formatting, masking, options, version, side?.strategy, side?.trainer, range?.start, range?.end]);
  return { result, pending: lags(["examples", "formatting", "masking", "version"]) || (options !== null && lags(["trainer"])) };
}
