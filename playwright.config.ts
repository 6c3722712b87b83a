import { defineConfig } from "@playwright/test";
import { existsSync } from "node:fs";

// Browser downloads are impossible on our machines, so Debian's Chromium is used when present;
// elsewhere Playwright's own browser (`npx playwright install chromium`) is the fallback.
const systemChromium = "/usr/bin/chromium";
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
    baseURL: "http://127.0.0.1:5173",
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
    command: "npx vite --host 127.0.0.1 --port 5173 --strictPort",
    url: "http://127.0.0.1:5173",
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
