// What the training panel shows about the engine: the worker's backend (and why it fell back), the
// loaded model, a model download in progress or its failure, the hub base URL, and teacher-forced
// predictions. Plain data; the worker bridge (workerBridge.ts) writes it.
import type { StateCreator } from "zustand";
import { DEFAULT_HUB_URL } from "../core/hub/hubHttp";
import type { PlaygroundState, TrainingSlice } from "./state";

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
