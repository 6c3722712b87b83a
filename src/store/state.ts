// The store's state as types only: every slice's data and actions, and their union PlaygroundState.
// Its own module so that the slices (which type their `get()` with the whole state) and the store
// (which composes the slices) both import it and not each other: no import circle, type-only ones
// included.
import type { DatasetResult } from "../core/dataset/types";
import type { TokenizedExamples } from "../core/datasetStats";
import type { StorageEstimate } from "../core/hub/download";
import type { HubProgress } from "../core/hub/progress";
import type { ExperimentResult } from "../core/notebook/conclusions";
import type { LoraSettings, ModelSource, PlaygroundSnapshot, TrainingSettings } from "../core/playgroundState";
import type { BackendChoice, BackendName, FromWorker, ModelInfo } from "../core/protocol";
import type { TrainerName } from "../core/trainers";
import type { RowShape } from "../core/trainers/pageRow";
import type { PlaygroundTokenizer } from "../core/tokenizer/playgroundTokenizer";
import type { ChatExample, Formatting, MaskingOptions, StrategyName, Turn } from "../core/types";
import type { RunRecord } from "./runRecord";

// The training conversations and the holdout prompt (examplesSlice.ts).

/** The holdout prompt, and the answer the notebook hoped to see generated (`bueno`). */
export type Holdout = PlaygroundSnapshot["holdout"];

export interface ExamplesSlice extends Pick<PlaygroundSnapshot, "examples" | "holdout"> {
  setTurn: (example: number, turn: number, patch: Partial<Turn>) => void;
  /** The tools a conversation offers; undefined removes them. */
  setTools: (example: number, tools: ChatExample["tools"]) => void;
  addTurn: (example: number) => void;
  removeTurn: (example: number, turn: number) => void;
  addExample: () => void;
  removeExample: (example: number) => void;
  moveExample: (example: number, delta: -1 | 1) => void;
  setHoldout: (patch: Partial<Holdout>) => void;
}

// Formatting, masking and the compare view (settingsSlice.ts).

/** What one side of the token view shows: a masking strategy, or a trainer preset when `trainer` is set (its options: the trainer slice's). */
export interface ViewSide {
  strategy: StrategyName;
  trainer: TrainerName | null;
}

/** The second side, shown under each example next to the masking's strategy when enabled. */
export interface CompareSettings extends ViewSide {
  enabled: boolean;
}

export interface SettingsSlice extends Pick<PlaygroundSnapshot, "formatting" | "masking"> {
  compare: CompareSettings;
  setFormatting: (formatting: Formatting) => void;
  setMasking: (patch: Partial<MaskingOptions>) => void;
  setCompare: (patch: Partial<CompareSettings>) => void;
}

// The loaded tokenizer as the page shows it (tokenizerSlice.ts).

/** What the header and the tokenizer panel show; the tokenizer object itself is in tokenizerHolder. */
export type TokenizerInfo = Pick<
  PlaygroundTokenizer,
  "name" | "vocabSize" | "bosToken" | "bosId" | "eosToken" | "eosId" | "padToken" | "padId"
> & { hasChatTemplate: boolean };

export interface TokenizerStatus {
  /** What is being loaded right now (shown as "loading …"), or null. */
  loading: string | null;
  /** The last load's failure, shown until the next load starts. */
  error: string | null;
  info: TokenizerInfo | null;
  /** Bumped on every successful load, so memoized views recompute. */
  version: number;
}

export interface TokenizerSlice {
  tokenizer: TokenizerStatus;
  loadBundledTokenizer: () => Promise<void>;
  loadHubTokenizer: (modelId: string) => Promise<void>;
  loadDroppedTokenizer: (files: File[]) => Promise<void>;
  /** A model's own tokenizer files (hub download or dropped folder), named after the model. */
  loadModelTokenizer: (name: string, tokenizerJson: unknown, tokenizerConfig: unknown) => Promise<void>;
}

// The model and the training settings (settingsSlice.ts).

export interface TrainingSettingsSlice extends Pick<PlaygroundSnapshot, "model" | "training"> {
  setModel: (model: ModelSource) => void;
  setTraining: (patch: Partial<Omit<TrainingSettings, "lora">>) => void;
  setLora: (patch: Partial<LoraSettings>) => void;
}

// A dataset file being read, previewed and applied (datasetSlice.ts).

export type DatasetLoad =
  | { phase: "idle" }
  | { phase: "reading"; id: number; fileName: string; bytesRead: number; totalBytes: number | null; startedAt: number; ignored: string[] }
  /** Read (successfully or not): shown as a preview; nothing is replaced until the user says so. */
  | { phase: "preview"; result: DatasetResult; ms: number; ignored: string[] }
  /** The read ended without a result: cancelled, refused, or the worker stopped. */
  | { phase: "stopped"; fileName: string; tone: "info" | "error"; message: string };

export interface DatasetReplacement {
  fileName: string;
  /** How many examples replaced the previous ones. */
  count: number;
  previous: ChatExample[];
  /** The epochs the replacement set for the dataset's size, and those it replaced (null: unchanged). */
  epochs: { from: number; to: number } | null;
}

/**
 * How far the dataset worker has tokenized examples too many to view whole (services/datasetTokens.ts
 * holds the results): `examples` and `key` (tokenizer and settings) say which list they are of.
 */
export type DatasetTokens =
  | { phase: "idle" }
  | { phase: "tokenizing"; key: string; done: number; total: number }
  | { phase: "ready"; key: string; examples: ChatExample[]; list: TokenizedExamples }
  | { phase: "failed"; key: string; message: string };

export interface DatasetSlice {
  dataset: DatasetLoad;
  /** The last replacement, for Undo. */
  datasetUndo: DatasetReplacement | null;
  datasetTokens: DatasetTokens;
  /** What services/datasetReading.ts shows of a read. */
  setDataset: (dataset: DatasetLoad) => void;
  setDatasetTokens: (tokens: DatasetTokens) => void;
  /** Replaces the examples with the previewed ones. */
  replaceWithDataset: () => void;
  undoDatasetReplace: () => void;
  /** Puts back the epochs a replacement changed, keeping the dataset. */
  keepPreviousEpochs: () => void;
}

// Share link, file export/import and autosave (sharingSlice.ts).

export type ShareStatus =
  | { kind: "idle" }
  | { kind: "copied"; url: string }
  /** The clipboard refused; the link is shown for the user to copy. */
  | { kind: "manual"; url: string; reason: string }
  | { kind: "too-large"; chars: number; limit: number; what: "link" | "data" };

/** A message with its place (the key it is stored under) and a next step the UI renders as a button. */
export interface Notice {
  tone: "info" | "warning" | "error";
  title: string;
  detail: string;
  /** Offered as "Download …": a file that keeps what could not be applied or stored. */
  download?: { label: string; fileName: string; text: string };
}

export interface PlaygroundReplacement {
  /** What replaced it, e.g. "the shared playground" or "playground.json". */
  what: string;
  previous: PlaygroundSnapshot;
}

export type AutosaveStatus = { kind: "off" } | { kind: "saved"; at: number } | { kind: "failed"; notice: Notice };

export interface SharingSlice {
  share: ShareStatus;
  /** Opening a share link: its error, or what was done. */
  linkNotice: Notice | null;
  /** A share link that waits for the user: replace their edited playground, or keep it. */
  pendingShared: PlaygroundSnapshot | null;
  /** Restoring or writing the autosave. */
  autosave: AutosaveStatus;
  restoreNotice: Notice | null;
  /** Export / import. */
  fileNotice: Notice | null;
  playgroundUndo: PlaygroundReplacement | null;
  copyShareLink: () => Promise<void>;
  dismissShare: () => void;
  exportPlayground: () => { fileName: string; text: string };
  importPlayground: (text: string, fileName: string) => void;
  /** Replace everything with `state`, remembering the current playground for Undo. */
  replacePlayground: (state: PlaygroundSnapshot, what: string) => void;
  undoPlaygroundReplace: () => void;
  resolvePendingShared: (accept: boolean) => void;
  dismissNotice: (which: "linkNotice" | "restoreNotice" | "fileNotice") => void;
}

// The engine as the training panel shows it (trainingSlice.ts).

/** The worker's "backend" report (why it fell back, the WebGPU adapter in use), and what became of the worker. */
export interface EngineStatus extends Pick<Extract<FromWorker, { type: "backend" }>, "fallbacks" | "adapter"> {
  /** null until the worker answered init. */
  backend: BackendName | null;
  /** The worker crashed or could not start; cleared when a new one starts. */
  workerError: string | null;
}

export interface ModelLoadError {
  /** HubError's kind, "worker" (the engine refused the model) or "files" (a dropped folder). */
  kind: string;
  message: string;
  /** What the user can do about it. */
  next: string;
}

export interface ModelLoadStatus {
  phase: "idle" | "downloading" | "loading";
  /** What is being loaded (a model id, "bundled default", a folder name). */
  label: string;
  progress: HubProgress | null;
  error: ModelLoadError | null;
}

export interface TeacherForcedResult {
  /** The run whose adapter predicted, or null for the base model. */
  runLabel: string;
  inputIds: number[];
  /** predictions[t] is the model's argmax guess for inputIds[t + 1]. */
  predictions: number[];
  /** Decoded predictions, one per position. */
  texts: string[];
}

export interface TrainingSlice {
  engine: EngineStatus;
  /** The model the worker holds, keyed so a start knows whether to reload. */
  loadedModel: { key: string; info: ModelInfo } | null;
  modelLoad: ModelLoadStatus;
  /** A dropped local model folder is in use (the share URL's ModelSource cannot name one). */
  droppedModelName: string | null;
  /** Where hub models are downloaded from (advanced; the tests point it at a local server). */
  hubBaseUrl: string;
  /** Which backend to train on: "auto" (fastest first, a software WebGPU after wasm) or "<backend> first". */
  backendChoice: BackendChoice;
  setBackendChoice: (choice: BackendChoice) => void;
  /** A failure to start a run (no tokenizer, broken masking settings): shown next to Start. */
  startError: string | null;
  /** Teacher-forced predictions per example index (the holdout is -1), shown under its chips. */
  teacherForced: Record<number, TeacherForcedResult | "loading">;
  setHubBaseUrl: (url: string) => void;
}

// The training runs and where they are kept (runsSlice.ts).

/** Where the runs are kept, and what went wrong keeping them (runsStorage.ts writes it). */
export interface RunsStorageState {
  /** "loading" until the database is read; "memory" where runs last only as long as the tab. */
  status: "loading" | "saved" | "memory";
  /** Why the last save failed and what to do (when the storage is full: which runs to delete); null once a save works. */
  saveError: string | null;
  /** What the load found: records it could not read, a failed move from localStorage, why runs are not kept. */
  notices: string[];
  /** Records that could not be read: still stored until removed. */
  skippedIds: string[];
  /** Per run: its stored record in characters of JSON (its adapter's size is run.storedAdapter.bytes). */
  recordBytes: Record<string, number>;
  /** The whole site's storage use and quota (hub models included); null where the browser does not say. */
  estimate: StorageEstimate | null;
}

export interface RunsSlice {
  runs: Record<string, RunRecord>;
  /** Oldest first. */
  runOrder: string[];
  /** Runs overlaid in the loss chart (the current run is always drawn). */
  overlay: string[];
  baselineRunId: string | null;
  /** The run the training panel shows. */
  currentRunId: string | null;
  addRun: (run: RunRecord) => void;
  updateRun: (id: string, update: (run: RunRecord) => Partial<RunRecord>) => void;
  deleteRun: (id: string) => void;
  /** Adds runs from files (newest last), as many as RUN_LIMITS.maxRuns allows; returns the ones added. */
  importRuns: (runs: RunRecord[]) => RunRecord[];
  runsStorage: RunsStorageState;
  toggleOverlay: (id: string) => void;
  setBaseline: (id: string | null) => void;
  setCurrentRun: (id: string | null) => void;
}

/** What the browser's database keeps of the runs (services/runsPersistence.ts). */
export type SavedRuns = Pick<RunsSlice, "runs" | "runOrder" | "baselineRunId">;

// The notebook replay's progress (replaySlice.ts).

/** An experiment as it goes: what its result (core/notebook/conclusions.ts) takes from before and after the run, and the run. */
export interface ReplayStep extends Pick<ExperimentResult, "id" | "skipped" | "trainedTokens" | "eosTrained" | "promptGuessRate"> {
  runId: string | null;
  /** Why it could not start or failed, or null. */
  error: string | null;
}

export interface ReplayProgress {
  status: "running" | "done" | "cancelled";
  /** Index into steps of the experiment in progress. */
  current: number;
  steps: ReplayStep[];
}

export interface ReplaySlice {
  replay: ReplayProgress | null;
  setReplay: (update: (r: ReplayProgress | null) => ReplayProgress | null) => void;
}

// The trainer preset the chips show (trainerSlice.ts).

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

export type PlaygroundState = ExamplesSlice &
  SettingsSlice &
  TokenizerSlice &
  TrainingSettingsSlice &
  DatasetSlice &
  SharingSlice &
  TrainingSlice &
  RunsSlice &
  ReplaySlice &
  TrainerSlice;
