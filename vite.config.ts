import { resolve } from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The e2e tests run against a production build (what users get; React's development build alone
// makes some renders exceed the 50 ms long-task budget). E2E_BUILD=1 adds the engine harness pages.
const harnessPages = process.env.E2E_BUILD
  ? Object.fromEntries(["engine", "worker", "hub", "bench"].map((page) => [page, resolve(import.meta.dirname, `e2e/harness/${page}.html`)]))
  : {};

// Cross-origin isolation, so that the wasm backend may use threads (SharedArrayBuffer): a host of the
// built page must send the same two headers.
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

// The training engine runs in a module worker; tfjs is large, so it is kept out of the main bundle.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      {
        find: /^\.\.\/wasm-out\/tfjs-backend-wasm-threaded-simd\.js$/,
        replacement: resolve(import.meta.dirname, "workers/wasm/threadedFactory.js"),
      },
    ],
  },
  worker: { format: "es" },
  // Pre-bundle everything the app, the worker and the e2e harness import, so the dev server never
  // re-optimizes (and reloads the page) in the middle of a test.
  optimizeDeps: {
    entries: ["index.html", "e2e/harness/*.html", "workers/*.ts"],
    include: [
      "@tensorflow/tfjs-core",
      "@tensorflow/tfjs-core/dist/register_all_gradients",
      "@tensorflow/tfjs-backend-cpu",
      "@tensorflow/tfjs-backend-webgpu",
      "@tensorflow/tfjs-backend-wasm",
      "@tensorflow/tfjs-backend-webgl",
      "zod",
    ],
  },
  build: {
    rolldownOptions: { input: { main: resolve(import.meta.dirname, "index.html"), ...harnessPages } },
    // tfjs and its backends are large by nature; the worker and the page load them once.
    chunkSizeWarningLimit: 1500,
  },
  server: { host: "127.0.0.1", port: 5173, strictPort: true, headers: isolation },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true, headers: isolation },
});
