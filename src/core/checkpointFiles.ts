// A training checkpoint's files (engine/checkpoint.ts writes and reads them): the names the CLI's
// checkpoint-STEP folders, the page's IndexedDB records and a run's download share.

export const CHECKPOINT_FILE_NAMES = [
  "adapter_config.json",
  "adapter_model.safetensors",
  "optimizer.safetensors",
  "scheduler.json",
  "trainer_state.json",
  "rng_state.json",
] as const;
export type CheckpointFileName = (typeof CHECKPOINT_FILE_NAMES)[number];
/** One checkpoint's files, as bytes. */
export type CheckpointFiles = Record<CheckpointFileName, Uint8Array>;
