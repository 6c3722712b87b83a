// Each list the code switches on is written once, as an `as const` array its type and zod enums are
// derived from; a second spelling is where the two drift (the CLI's strategy list missed
// chat-template). This scans the non-test sources for string lists and unions that spell three or
// more members of a concept outside its home, and for a bare -100 outside IGNORE_INDEX's definition.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

const CONCEPTS = [
  { name: "strategies", home: ["src/core/types.ts"], members: ["full", "markers", "completion-only", "special-tokens", "chat-template"] },
  { name: "backends", home: ["src/core/protocol.ts"], members: ["webgpu", "webgl", "wasm", "cpu"] },
  {
    name: "run states",
    // The worker's states, and the page's record of a run that adds two and says what each means.
    home: ["src/core/protocol.ts", "src/store/runRecord.ts"],
    members: ["running", "paused", "stopped", "finished", "failed", "starting", "interrupted"],
  },
  { name: "trainers", home: ["src/core/trainers/index.ts"], members: ["trl", "trl-collator", "axolotl", "llamafactory", "unsloth"] },
];
/**
 * A list of three or more members and nothing else spells the concept; two may share a list for
 * another reason (the host kernels run on cpu and wasm), and a list with other names is another
 * concept (the notebook's experiments are named after the strategies they use).
 */
const SPELLED = 3;
const IGNORE_INDEX_HOME = "src/core/types.ts";

/** `file:line: what` for each list or -100 in `text` that is not at its home. */
export function violations(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    let literals: string[] | null = null;
    if (ts.isArrayLiteralExpression(node)) literals = node.elements.filter(ts.isStringLiteral).map((e) => e.text);
    if (ts.isUnionTypeNode(node)) {
      literals = node.types.flatMap((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : []));
    }
    for (const c of literals ? CONCEPTS : []) {
      const spelled = literals!.length >= SPELLED && literals!.every((l) => c.members.includes(l));
      if (spelled && !c.home.includes(file)) found.push(`${where(node)}: the ${c.name} spelled again (their list is in ${c.home[0]})`);
    }
    const minus100 =
      ts.isPrefixUnaryExpression(node) &&
      node.operator === ts.SyntaxKind.MinusToken &&
      ts.isNumericLiteral(node.operand) &&
      Number(node.operand.text) === 100;
    if (minus100 && file !== IGNORE_INDEX_HOME) found.push(`${where(node)}: a bare -100 (use IGNORE_INDEX from ${IGNORE_INDEX_HOME})`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.ts$|\.testutil\.ts$|\/testing\/|\/testdata\//.test(f))
    .filter((f) => !f.startsWith("src/engine/kernels/simd/assembly/"));
}

describe("each list is defined once", () => {
  it("finds a list or -100 written again (the check can fail)", () => {
    const probe = 'type S = "full" | "markers" | "completion-only";\nconst b = ["webgpu", "wasm", "cpu"];\nconst l = [-100];\n';
    expect(violations("src/ui/probe.ts", probe)).toEqual([
      "src/ui/probe.ts:1: the strategies spelled again (their list is in src/core/types.ts)",
      "src/ui/probe.ts:2: the backends spelled again (their list is in src/core/protocol.ts)",
      "src/ui/probe.ts:3: a bare -100 (use IGNORE_INDEX from src/core/types.ts)",
    ]);
    expect(violations("src/engine/kernels/host.ts", 'const HOST = ["cpu", "wasm"] as const;')).toEqual([]);
  });

  it("holds in src/, bench/ and workers/", () => {
    const files = ["src", "bench", "workers"].flatMap(sources);
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap((f) => violations(f, readFileSync(path.join(root, f), "utf8")))).toEqual([]);
  });
});
