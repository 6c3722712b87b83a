// "As trained by": the trainer preset whose labels the chips show instead of the masking strategy's,
// with each tool's options as the user set them. Kept out of the share link and the autosave on
// purpose (PlaygroundState is unchanged): it is a view over the examples, not data, and old links
// stay valid without a schema change.
import type { StateCreator } from "zustand";
import { TRAINERS, type TrainerName } from "../core/trainers";
import type { TrainerChoice } from "../core/trainers/trainerView";
import type { PlaygroundState, TrainerSettings, TrainerSlice } from "./state";

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
