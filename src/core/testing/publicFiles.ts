// The app's public/ folder for Node tests, as fakeEnvironment's appFile (what the page would fetch).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const publicDir = resolve(__dirname, "../../../public");

export function publicFile(path: string): Uint8Array | null {
  const file = join(publicDir, path);
  return file.startsWith(publicDir) && existsSync(file) ? new Uint8Array(readFileSync(file)) : null;
}
