import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The training engine runs in a module worker; tfjs is large, so it is kept out of the main bundle.
export default defineConfig({
  plugins: [react()],
  worker: { format: "es" },
  // Pre-bundle everything the app, the worker and the e2e harness import, so the dev server never
  // re-optimizes (and reloads the page) in the middle of a test.
  optimizeDeps: {
    entries: ["index.html", "e2e/harness/*.html"],
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
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
});
