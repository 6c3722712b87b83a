// Loading the engine under Node/tsx. tfjs-core's CommonJS "main" bundle lacks the gradient
// registrations, and its ES-module files (which have them) use extensionless relative imports
// that Node's ESM resolver rejects. This installs a resolve hook that sends every @tensorflow
// import to the ES-module build and appends ".js" inside it, so Node loads one tfjs instance with
// gradients — the same files Vite bundles for the browser. Reusable by bench/ scripts.

import { createRequire, register } from "node:module";

const HOOK = `
const ENTRIES = {
  "@tensorflow/tfjs-core": "@tensorflow/tfjs-core/dist/index.js",
  "@tensorflow/tfjs-backend-cpu": "@tensorflow/tfjs-backend-cpu/dist/index.js",
  "@tensorflow/tfjs-backend-wasm": "@tensorflow/tfjs-backend-wasm/dist/index.js",
  "@tensorflow/tfjs-backend-webgpu": "@tensorflow/tfjs-backend-webgpu/dist/index.js",
};
export async function resolve(specifier, context, next) {
  if (ENTRIES[specifier]) return next(ENTRIES[specifier], context);
  if (/^@tensorflow\\/[^/]+\\/dist\\/.+/.test(specifier) && !specifier.endsWith(".js")) return next(specifier + ".js", context);
  const inTf = context.parentURL && context.parentURL.includes("/node_modules/@tensorflow/");
  if (inTf && /^\\.\\.?\\//.test(specifier) && !/\\.(js|mjs|cjs|json|wasm)$/.test(specifier)) {
    try {
      return await next(specifier + ".js", context);
    } catch {
      return next(specifier + "/index.js", context);
    }
  }
  return next(specifier, context);
}
`;

let installed = false;

/** Imports src/engine with the resolve hook in place; call before anything touches tfjs. */
export async function loadEngine(): Promise<typeof import("../engine/index")> {
  if (!installed) {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    // The ES build's Node platform calls a bare require("util"), which ES modules lack.
    const g = globalThis as { require?: NodeJS.Require };
    g.require ??= createRequire(import.meta.url);
    installed = true;
  }
  return import("../engine/index");
}
