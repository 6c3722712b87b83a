// The bundled default model: a Hugging Face model folder under public/, built by
// scripts/default-model/build.py and loaded exactly as a hub model is (src/core/hub/download.ts with a
// folder URL), so the page, the CLI and the bench train the same files a user can open in transformers.

export const BUNDLED_MODEL = {
  /** Shown as the model's and the tokenizer's name. */
  name: "tiny-translator (bundled)",
  /** The folder, relative to the app's base URL (and to public/ in the repo). */
  folder: "models/default",
} as const;

/** A file of the bundled model, relative to the app's base URL (or to public/). */
export const bundledFile = (file: string): string => `${BUNDLED_MODEL.folder}/${file}`;

/** Every file of the folder: what `export --model default` copies and the unit tests check. */
export const BUNDLED_MODEL_FILES = [
  "config.json",
  "generation_config.json",
  "model.safetensors",
  "tokenizer.json",
  "tokenizer_config.json",
] as const;
