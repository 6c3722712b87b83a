// What an export is made from (the page and the CLI both fill this in) and what it is made of.
import type { TrainExample } from "../protocol";
import type { TrainingSettings } from "../settings/trainingSettings";
import type { ChatExample, Formatting, StrategyName } from "../types";

/** The base model as the exported scripts name it. */
export type ExportModel =
  | { kind: "hub"; id: string; revision: string }
  /** The bundled random model; its weights are in base-model/ only when the CLI wrote them. */
  | { kind: "bundled" }
  /** A model folder (the CLI's --model DIR, a folder dropped on the page): named by its path or folder name. */
  | { kind: "folder"; name: string };

export interface ExportRun {
  label: string;
  steps: number;
  finalLoss: number | null;
  /** [step, loss] of every step the playground kept, for comparing with trainer_state.json. */
  losses: Array<[number, number]>;
}

export interface ExportInput {
  /** The masking strategy, or null when the data came already tokenized (the CLI's --model DIR). */
  strategy: StrategyName | null;
  /**
   * The trainer preset whose ids and labels the run trained ("As trained by"), as the runs table names
   * it (`axolotl chat_template (train_on_eos=none)`); absent when the strategy's were.
   */
  trainer?: string;
  formatting: Formatting | null;
  settings: TrainingSettings;
  /** The conversations, for messages.jsonl; null when the data came already tokenized. */
  chats: readonly ChatExample[] | null;
  /** Exactly what the playground trains on: masked and cut to max_seq_length (core/trainingData.ts). */
  examples: readonly TrainExample[];
  /** 1-based numbers of the examples cut to max_seq_length. */
  truncated: number[];
  model: ExportModel;
  tokenizerName: string;
  /** Tokens the strategy added to the vocabulary, with their ids. */
  addedTokens: Record<string, number>;
  padTokenId: number | null;
  /** Embedding rows of the model before tokens were added (config.json's vocab_size). */
  modelVocabSize: number;
  run: ExportRun | null;
  /** Who wrote it: the page cannot write the bundled model's weights, the CLI can. */
  writer: "page" | "cli";
}

/** One file of the export; `lines` is produced on demand so that a large dataset is never one string. */
export type ExportFile = { path: string } & ({ text: string } | { lines: () => Iterable<string> } | { bytes: Uint8Array });
