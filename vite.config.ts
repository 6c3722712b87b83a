import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The training engine runs in a module worker; tfjs is large, so it is kept out of the main bundle.
export default defineConfig({
  plugins: [react()],
  worker: { format: "es" },
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
});
