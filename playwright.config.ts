import { defineConfig } from "@playwright/test";
import { existsSync } from "node:fs";

// Browser downloads are impossible on our machines, so Debian's Chromium is used when present;
// elsewhere Playwright's own browser (`npx playwright install chromium`) is the fallback.
const systemChromium = "/usr/bin/chromium";
// E2E_PORT lets two e2e runs share a machine without sharing (and closing) one dev server.
const port = Number(process.env.E2E_PORT ?? 5173);
// Each port builds into its own folder, so two runs never overwrite each other's build.
const outDir = port === 5173 ? "dist-e2e" : `dist-e2e-${port}`;
const executablePath = process.env.PLAYWRIGHT_CHROMIUM ?? (existsSync(systemChromium) ? systemChromium : undefined);

export default defineConfig({
  testDir: "e2e",
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        // A real WebGPU adapter (SwiftShader on CPU-only machines); needs a secure origin (localhost).
        "--enable-unsafe-webgpu",
      ],
    },
  },
  webServer: {
    // A production build, as users get it (see vite.config.ts); the harness pages are included.
    command: `E2E_BUILD=1 npx vite build --outDir ${outDir} --emptyOutDir && npx vite preview --outDir ${outDir} --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
