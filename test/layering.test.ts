// The layering rules of eslint.config.js fail on deliberate violations: a core module reaching the
// store, a service or tfjs, the engine reaching React, the UI reaching the engine, the store reaching
// the UI, a service or IndexedDB, a service reaching the UI, two modules importing each other (type-only
// imports included), and a switch that forgets a member of its union. Each probe is a real
// file written into its layer for the lint (the type-aware rules need it inside the TS project), then
// removed.
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

/** Writes each `[file, text]`, lints the first, removes them all; returns the rule ids reported. */
async function lintProbe(files: Array<[string, string]>): Promise<string[]> {
  const paths = files.map(([f, text]) => {
    const p = path.join(root, f);
    writeFileSync(p, text);
    return p;
  });
  try {
    const [result] = await new ESLint({ cwd: root }).lintFiles([paths[0]]);
    return result.messages.map((m) => m.ruleId ?? `(no rule) ${m.message}`);
  } finally {
    for (const p of paths) rmSync(p, { force: true });
  }
}

describe("eslint holds the layout", () => {
  it.each([
    ["src/core/lintProbe.ts", 'import { usePlayground } from "../store/playgroundStore";\nexport const x = usePlayground;\n'],
    ["src/core/lintProbe.ts", 'import * as tf from "@tensorflow/tfjs-core";\nexport const x = tf;\n'],
    ["src/engine/lintProbe.ts", 'import { useState } from "react";\nexport const x = useState;\n'],
    ["src/ui/lintProbe.ts", 'import { forward } from "../engine/model";\nexport const x = forward;\n'],
    ["src/store/lintProbe.ts", 'import { Header } from "../ui/header/Header";\nexport const x = Header;\n'],
    ["src/store/lintProbe.ts", 'import { startRun } from "../services/trainingActions";\nexport const x = startRun;\n'],
    ["src/store/lintProbe.ts", 'import { openDB } from "idb";\nexport const x = openDB;\n'],
    ["src/services/lintProbe.ts", 'import { Header } from "../ui/header/Header";\nexport const x = Header;\n'],
    ["src/core/lintProbe.ts", 'import { environment } from "../services/environment";\nexport const x = environment;\n'],
  ])("%s may not import across its layer: %s", async (file, text) => {
    expect(await lintProbe([[file, text]])).toContain("no-restricted-imports");
  });

  it("allows the imports the layout permits", async () => {
    const ok = 'import { IGNORE_INDEX } from "../core/types";\nexport const x = IGNORE_INDEX;\n';
    expect(await lintProbe([["src/store/lintProbe.ts", ok]])).toEqual([]);
    expect(await lintProbe([["src/engine/lintProbe.ts", ok]])).toEqual([]);
    const env = 'import { environment } from "../services/environment";\nexport const x = environment;\n';
    expect(await lintProbe([["src/store/lintProbe.ts", env]])).toEqual([]);
    const store = 'import { usePlayground } from "../store/playgroundStore";\nexport const x = usePlayground;\n';
    expect(await lintProbe([["src/services/lintProbe.ts", store]])).toEqual([]);
  });

  it("refuses a switch that misses a member of its union", async () => {
    const text =
      'type K = "a" | "b";\nexport function f(k: K): number {\n  switch (k) {\n    case "a":\n      return 1;\n  }\n  return 0;\n}\n';
    expect(await lintProbe([["src/core/lintProbe.ts", text]])).toContain("@typescript-eslint/switch-exhaustiveness-check");
  });

  it("refuses two modules that import each other", async () => {
    const ids = await lintProbe([
      ["src/core/lintProbeA.ts", 'import { b } from "./lintProbeB";\nexport const a = (): number => b() + 1;\n'],
      ["src/core/lintProbeB.ts", 'import { a } from "./lintProbeA";\nexport const b = (): number => a() - 1;\n'],
    ]);
    expect(ids).toContain("local/import-cycle");
  });

  it("refuses a circle made of type-only imports (import-x/no-cycle lets it pass)", async () => {
    const ids = await lintProbe([
      ["src/core/lintProbeA.ts", 'import type { B } from "./lintProbeB";\nexport interface A {\n  b: B;\n}\n'],
      ["src/core/lintProbeB.ts", 'import type { A } from "./lintProbeA";\nexport interface B {\n  a: A | null;\n}\n'],
    ]);
    expect(ids).toContain("local/import-cycle");
  });
});
