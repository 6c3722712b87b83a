// `local/import-cycle`: no module reaches itself through its imports, type-only imports included.
// eslint-plugin-import-x's no-cycle skips `import type` by design (no option turns that off), so a
// circle such as the store's slices importing the store's state type while the store imports the
// slices passed it. Such a circle still ties the modules into one unit that cannot be read, tested or
// moved alone, so this rule counts every static, type-only, re-export and dynamic import between the
// project's own files (packages are leaves and are not followed).
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const EXTENSIONS = [".ts", ".tsx", "/index.ts", "/index.tsx", ""];

/** The project file a relative specifier names, or null (a package, an asset, a missing file). */
function resolveImport(from, specifier) {
  if (!specifier.startsWith(".")) return null;
  const base = path.resolve(path.dirname(from), specifier.split("?")[0]);
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (/\.tsx?$/.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** path → { mtimeMs, deps }: one lint run reads each file once, and a rewritten file again. */
const graph = new Map();

function importsOf(file) {
  const mtimeMs = statSync(file).mtimeMs;
  const cached = graph.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.deps;
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  const deps = [...new Set(importedFiles.map((f) => resolveImport(file, f.fileName)).filter((p) => p !== null))];
  graph.set(file, { mtimeMs, deps });
  return deps;
}

/** The chain of files from `start` back to `target`, or null when there is none (breadth first: the shortest). */
function routeBack(start, target) {
  const cameFrom = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const dep of importsOf(file)) {
      if (dep === target) {
        const route = [file];
        for (let f = cameFrom.get(file); f !== null; f = cameFrom.get(f)) route.unshift(f);
        return route;
      }
      if (!cameFrom.has(dep)) {
        cameFrom.set(dep, file);
        queue.push(dep);
      }
    }
  }
  return null;
}

export const importCycle = {
  meta: {
    type: "problem",
    docs: { description: "Forbid import cycles between the project's modules, type-only imports included." },
    messages: { cycle: "Import cycle (type-only imports count): {{route}}" },
    schema: [],
  },
  create(context) {
    const filename = context.physicalFilename;
    if (!existsSync(filename)) return {};
    const root = context.cwd;
    function check(node) {
      const target = resolveImport(filename, node.source.value);
      if (target === null || target === filename) return;
      const route = routeBack(target, filename);
      if (route === null) return;
      const names = [filename, ...route, filename].map((f) => path.relative(root, f));
      context.report({ node, messageId: "cycle", data: { route: names.join(" → ") } });
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: (node) => node.source && check(node),
      ExportAllDeclaration: check,
      ImportExpression: (node) => node.source.type === "Literal" && check(node),
    };
  },
};

export const localRules = { rules: { "import-cycle": importCycle } };
