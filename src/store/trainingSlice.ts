// What the training panel shows about the engine: the worker's backend (and why it fell back), the
// loaded model, a model download in progress or its failure, the hub base URL, and teacher-forced
// predictions. Plain data; the worker bridge (workerBridge.ts) writes it.
import type { StateCreator } from "zustand";
import { DEFAULT_HUB_URL } from "../core/tokenizer/load";
import type { HubProgress } from "../core/hub/progress";
import type { BackendChoice, BackendFallback, BackendName, ModelInfo } from "../core/protocol";
import type { PlaygroundState } from "./playgroundStore";

export interface EngineStatus {
  /** null until the worker answered init. */
  backend: BackendName | null;
  fallbacks: BackendFallback[];
  /** The WebGPU adapter in use, when the backend is webgpu. */
  adapter: { description: string; software: boolean } | null;
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

export const createTrainingSlice: StateCreator<PlaygroundState, [], [], TrainingSlice> = (set) => ({
  engine: { backend: null, fallbacks: [], adapter: null, workerError: null },
  loadedModel: null,
  modelLoad: { phase: "idle", label: "", progress: null, error: null },
  droppedModelName: null,
  hubBaseUrl: DEFAULT_HUB_URL,
  startError: null,
  teacherForced: {},
  setHubBaseUrl: (hubBaseUrl) => set({ hubBaseUrl }),
  backendChoice: "auto",
  setBackendChoice: (backendChoice) => set({ backendChoice }),
});
