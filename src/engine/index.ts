// The engine's public API, for the web worker, the CLI and benchmarks. DOM-free and file-system
// free: callers hand in bytes or Blobs.

/** The tfjs-core instance the engine uses, so callers create and free tensors in the same one. */
export * as tf from "@tensorflow/tfjs-core";

export { memoryLimits, setBackend, type MemoryLimits } from "./backend";
export { trainingMemoryRefusal } from "./session/memoryEstimate";
export { parseModelConfig } from "./config";
export type { Architecture, ModelConfig, Family } from "./modelTypes";
export { ARCHITECTURES, SUPPORTED_ARCHITECTURES, DEFAULT_TARGET_MODULES, architectureFor, architectureByName } from "./architectures";
export { AdapterError, BackendError, ConfigError, EngineError, MissingTensorError, SafetensorsError } from "./errors";
export { readSafetensors, writeSafetensors, readHeader, SAFETENSORS_LIMITS, type F32Tensor, type StorageDtype } from "./safetensors";
export { forEachTensor, readAllTensors, type SafetensorsSource } from "./safetensorsSources";
export {
  loadModelFromFiles,
  disposeModel,
  resizeTokenEmbeddings,
  linearModules,
  type CausalLM,
  type NamedSource,
  type LoadOptions,
} from "./weights";
export { createLora, disposeLora, resolveTargets, trainableParameterCount, type LoraAdapter, type LoraConfig } from "./lora";
export { forward, forwardWithCache, type ForwardOptions } from "./model";
export { causalLmLoss, countedTokens } from "./loss";
export { IGNORE_INDEX } from "../core/types";
export { collate, type Batch } from "./batch";
export { lossAndGrads, lossAndGradTensors, peftParameterNames } from "./gradients";
export { AdamW, scheduleFactor, warmupStepsFor, globalNorm } from "./optimizer";
export { Trainer, type TrainingArgs } from "./trainer";
export { checkpointFiles, parseCheckpoint, restoreCheckpoint, type ParsedCheckpoint } from "./checkpoint";
export { generate, generateGreedy, teacherForced, type FinishReason, type GenerateOptions } from "./generate";
export { Sampler, type SamplingSettings } from "./sampling";
export { adapterVocabSize, exportAdapter, importAdapter, parseAdapterConfig, type AdapterFiles } from "./adapter";
export { Rng } from "./rng";
export { createRandomModel } from "./seededModel";
export { planMerge, type MergePlan, type BaseCheckpoint, type AdapterCheckpoint } from "./export/merge";
export { mergedFolderFiles, MERGE_DTYPES, DEFAULT_SHARD_BYTES, textFile, type MergeDtype, type OutputFile } from "./export/hfFolder";
export { ggufFile, type GgufOptions } from "./export/ggufExport";
export { loadModelFromGguf, ggufTokenizerFiles } from "./export/ggufModel";
