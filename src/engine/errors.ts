// Error classes of the engine. Each message says what went wrong and where, so the CLI can print it
// as one line and the UI can show it without a stack trace. The engine runs under the CLI and in the
// page's worker, so a next step that names a flag or a control is the caller's to add: errors whose
// remedy differs by caller carry a structured `kind` to choose it by (see BackendError).

/** Base class: anything the engine rejects because of the user's input (file, config, flags). */
export class EngineError extends Error {
  override name = "EngineError";
}

/** A safetensors file that cannot be read (truncated, bad header, bad offsets, unknown dtype). */
export class SafetensorsError extends EngineError {
  override name = "SafetensorsError";
}

/** A config.json that is not a supported causal LM or fails validation. */
export class ConfigError extends EngineError {
  override name = "ConfigError";
}

/** The weights do not hold a tensor that the config requires, or it has the wrong shape. */
export class MissingTensorError extends EngineError {
  override name = "MissingTensorError";
}

/** A PEFT adapter that does not fit this model or uses features we do not implement. */
export class AdapterError extends EngineError {
  override name = "AdapterError";
}

/**
 * A tfjs backend that cannot run here. "unavailable": this runtime lacks what it needs (no WebGPU
 * adapter, no canvas); "init-failed": it is present but failed to start. Either way another
 * backend may work; the CLI suggests a --backend, the page its backend choice.
 */
export class BackendError extends EngineError {
  override name = "BackendError";
  constructor(
    readonly backend: string,
    readonly kind: "unavailable" | "init-failed",
    message: string,
  ) {
    super(message);
  }
}
