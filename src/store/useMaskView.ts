// The mask view for the current state, or for another strategy (compare mode). The inputs are read
// through useDeferredValue, so a keystroke or a click paints at once and the chips follow (a
// strategy switch re-renders every chip; 50 examples × 200 tokens is ~10k of them).
import { useDeferredValue, useMemo } from "react";
import type { TrainerName } from "../core/trainers";
import type { StrategyName } from "../core/types";
import { computeMaskView, computeTrainerView, type MaskViewResult } from "./maskViewMemo";
import { usePlayground } from "./playgroundStore";
import { trainerChoice } from "./trainerSlice";
import { currentTokenizer } from "./tokenizerHolder";

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

export function useMaskView(strategy?: StrategyName, range?: RowRange): MaskViewState {
  const { examples, formatting, masking, version, lags } = useDeferredInputs();
  const result = useMemo(() => {
    const tokenizer = currentTokenizer();
    if (version === 0 || tokenizer === null) return null;
    const options = strategy === undefined ? masking : { ...masking, strategy };
    const start = range?.start ?? 0;
    return computeMaskView(tokenizer, examples.slice(start, range?.end), formatting, options, start);
  }, [examples, formatting, masking, version, strategy, range?.start, range?.end]);
  return { result, pending: lags(["examples", "formatting", "masking", "version"]) };
}

/** What one side of the token view shows: a masking strategy, or a trainer preset when `trainer` is set. */
export interface ViewSide {
  strategy: StrategyName;
  trainer: TrainerName | null;
}

/** The mask view of one side: the strategy's, or the trainer's with its options from the trainer slice. */
export function useSideView(side: ViewSide, range?: RowRange): MaskViewState {
  const strategyView = useMaskView(side.strategy, range);
  const { examples, formatting, masking, trainer, version, lags } = useDeferredInputs();
  const result = useMemo(() => {
    const tokenizer = currentTokenizer();
    const choice = trainerChoice(trainer, side.trainer);
    if (choice === null || version === 0 || tokenizer === null) return null;
    const start = range?.start ?? 0;
    return computeTrainerView(tokenizer, examples.slice(start, range?.end), formatting, masking, choice, start);
  }, [examples, formatting, masking, trainer, version, side.trainer, range?.start, range?.end]);
  if (side.trainer === null) return strategyView;
  return { result, pending: lags(["examples", "formatting", "masking", "trainer", "version"]) };
}
