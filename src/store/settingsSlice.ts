// How examples become text (formatting), how labels are masked (masking), and the second strategy
// that compare mode shows next to the first.
import type { StateCreator } from "zustand";
import { DEFAULT_FORMATTING } from "../core/defaults";
import { DEFAULT_STATE } from "../core/playgroundState";
import type { TrainerName } from "../core/trainers";
import type { Formatting, MaskingOptions, StrategyName } from "../core/types";
import type { PlaygroundState } from "./playgroundStore";

export interface CompareSettings {
  enabled: boolean;
  /** The strategy shown under each example next to `masking.strategy`. */
  strategy: StrategyName;
  /** A trainer preset shown on the second side instead of `strategy` (its options: the trainer slice's). */
  trainer: TrainerName | null;
}

export interface SettingsSlice {
  formatting: Formatting;
  masking: MaskingOptions;
  compare: CompareSettings;
  setFormatting: (formatting: Formatting) => void;
  setMasking: (patch: Partial<MaskingOptions>) => void;
  setCompare: (patch: Partial<CompareSettings>) => void;
}

export const createSettingsSlice: StateCreator<PlaygroundState, [], [], SettingsSlice> = (set) => ({
  formatting: structuredClone(DEFAULT_FORMATTING),
  masking: structuredClone(DEFAULT_STATE.masking),
  // The notebook's own before/after: its markers versus everything trained.
  compare: { enabled: false, strategy: "full", trainer: null },
  setFormatting: (formatting) => set({ formatting }),
  setMasking: (patch) => set((s) => ({ masking: { ...s.masking, ...patch } })),
  setCompare: (patch) => set((s) => ({ compare: { ...s.compare, ...patch } })),
});
