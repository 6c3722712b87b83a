// `--trainer NAME` / `--trainer-option KEY=VALUE` on `train` (and `export`): the ids and labels a
// trainer preset gives, exactly as `mask --trainer` shows them for each conversation, instead of the
// page's masking strategy. Parsed here once, with the tool's own option table.
import { TRAINER_NAMES, TRAINERS } from "../core/trainers";
import { parseOptions } from "../core/trainers/options";
import { trainerInfo, type TrainerChoice } from "../core/trainers/trainerView";
import { TrainerOptionError } from "../core/trainers/types";
import { asCliError, CliError } from "./cliError";

export const TRAINER_FLAG_OPTIONS = {
  trainer: { type: "string" },
  "trainer-option": { type: "string", multiple: true },
} as const;

export const TRAINER_FLAGS_HELP = `--trainer ${TRAINER_NAMES.join("|")} [--trainer-option KEY=VALUE]...: with --model default, train on the
  ids and labels that tool gives each conversation (as mask --trainer shows them; rows the tool drops are left out),
  with its own option names (mask --trainer NAME --help lists them).`;

/** A model folder trains (and exports) pre-tokenized data as it is: --trainer has no conversations to label. */
export function refuseTrainerForFolder(command: string, f: Readonly<Record<string, unknown>>): void {
  if (f.trainer !== undefined)
    throw new CliError(
      `${command}: --trainer labels conversations, so it needs --model default; a model folder takes pre-tokenized --data as it is`,
    );
}

/** The preset the flags ask for, its options checked by the tool's table; null without --trainer. */
export function trainerChoiceFromFlags(command: string, f: Readonly<Record<string, unknown>>): TrainerChoice | null {
  const pairs = Array.isArray(f["trainer-option"]) ? (f["trainer-option"] as string[]) : [];
  if (f.trainer === undefined) {
    if (pairs.length > 0) throw new CliError(`${command}: --trainer-option goes with --trainer NAME (one of ${TRAINER_NAMES.join(", ")})`);
    return null;
  }
  const trainer = TRAINERS.find((t) => t.name === f.trainer)?.name;
  if (trainer === undefined)
    throw new CliError(`${command}: --trainer must be one of ${TRAINER_NAMES.join(", ")}, got "${String(f.trainer)}"`);
  asCliError(command, () => parseOptions(trainer, trainerInfo(trainer).options, pairs), TrainerOptionError);
  const options = Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  return { trainer, options, row: "messages" };
}
