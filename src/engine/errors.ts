// Error classes of the engine. Each message says what went wrong, where, and what to do next,
// so the CLI can print it as one line and the UI can show it without a stack trace.

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
