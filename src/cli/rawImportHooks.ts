// Node module hooks for `import text from "./file.py?raw"`, which the export's Python files use
// (core/export/python.ts). Vite and vitest read `?raw` themselves; tsx, which runs the CLI, does not
// (it would execute the file as JavaScript), so main.ts registers these hooks before loading a command.
import { readFile } from "node:fs/promises";

const RAW = "?raw";

type Next<A, R> = (arg: A, context: unknown) => Promise<R>;

export async function resolve(
  specifier: string,
  context: unknown,
  next: Next<string, { url: string }>,
): Promise<{ url: string; shortCircuit?: boolean }> {
  if (!specifier.endsWith(RAW)) return next(specifier, context);
  const resolved = await next(specifier.slice(0, -RAW.length), context);
  return { url: resolved.url + RAW, shortCircuit: true };
}

export async function load(url: string, context: unknown, next: Next<string, unknown>): Promise<unknown> {
  if (!url.endsWith(RAW)) return next(url, context);
  const text = await readFile(new URL(url.slice(0, -RAW.length)), "utf8");
  return { format: "module", source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
