// "As trained by": the trainer preset whose labels the chips show instead of the masking strategy's,
// with each tool's options as the user set them. Kept out of the share link and the autosave on
// purpose (PlaygroundState is unchanged): it is a view over the examples, not data, and old links
// stay valid without a schema change.
import type { StateCreator } from "zustand";
import { TRAINERS, type TrainerName } from "../core/trainers";
import type { RowShape } from "../core/trainers/pageRow";
import type { TrainerChoice } from "../core/trainers/trainerView";
import type { PlaygroundState } from "./playgroundStore";

export interface TrainerSettings {
  /** null: the chips show the masking strategy. */
  name: TrainerName | null;
  /** Per tool, only the options the user set (KEY → value as after KEY= on the CLI). */
  options: Record<TrainerName, Record<string, string>>;
  /** How each example is given to the tool as a dataset row. */
  row: RowShape;
}

export interface TrainerSlice {
  trainer: TrainerSettings;
  setTrainer: (name: TrainerName | null) => void;
  /** `value` null: back to the tool's default. */
  setTrainerOption: (name: TrainerName, key: string, value: string | null) => void;
  setTrainerRow: (row: RowShape) => void;
}

const noOptions = () => Object.fromEntries(TRAINERS.map((t) => [t.name, {}])) as Record<TrainerName, Record<string, string>>;

export const createTrainerSlice: StateCreator<PlaygroundState, [], [], TrainerSlice> = (set) => ({
  trainer: { name: null, options: noOptions(), row: "messages" },
  setTrainer: (name) => set((s) => ({ trainer: { ...s.trainer, name } })),
  setTrainerOption: (name, key, value) =>
    set((s) => {
      const { [key]: _old, ...rest } = s.trainer.options[name];
      const options = value === null ? rest : { ...rest, [key]: value };
      return { trainer: { ...s.trainer, options: { ...s.trainer.options, [name]: options } } };
    }),
  setTrainerRow: (row) => set((s) => ({ trainer: { ...s.trainer, row } })),
});

/** The choice a side of the view shows, or null for the masking strategy. */
export function trainerChoice(settings: TrainerSettings, name: TrainerName | null): TrainerChoice | null {
  return name === null ? null : { trainer: name, options: settings.options[name], row: settings.row };
}
