// The rules that hold the layout (see docs/design.md, "Checks that hold the layout"): each layer imports only
// the layers below it, nothing imports in a cycle, and a switch over a union handles every member.
// Formatting is Prettier's job (npm run format); nothing here overlaps with it.
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";
import { localRules } from "./scripts/eslint/importCycle.js";

const TESTS = ["**/*.test.ts", "**/*.testutil.ts"];

/** `no-restricted-imports` for one layer: the folders it may not reach (a "!" pattern lets one module through), and why. */
function layer(files, forbidden, why) {
  return {
    files,
    ignores: TESTS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: forbidden.map((f) => ({
            group: f.startsWith("!") ? [`**/${f.slice(1)}`] : [f.startsWith("@") || !f.includes("/") ? f : `**/${f}/**`, `**/${f}`],
            message: why,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "dist-e2e/",
      "dist-e2e-*/",
      "test-results/",
      "playwright-report/",
      "public/",
      ".gpu/",
      "src/engine/kernels/simd/assembly/",
    ],
  },
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX, local: localRules },
    // Relative imports name .ts/.tsx files without their extension, as the bundler resolves them.
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js"] })],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js"],
    },
    rules: {
      // A new member of a message, strategy or field union must be handled wherever the union is switched on.
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      // Cycles made the store's slices load half-initialised; a type-only cycle still ties modules into
      // one that cannot be read or moved alone. import-x/no-cycle always skips type-only imports, so the
      // project's own rule (scripts/eslint/importCycle.js) counts every import.
      "local/import-cycle": "error",
      // A promise nobody awaits hides its failure (the worker handler's `void handle()` lost errors).
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: true }],
    },
  },
  layer(
    ["src/core/**"],
    ["src/engine", "engine", "store", "services", "ui", "cli", "workers", "@tensorflow/*", "react", "react-dom", "zustand", "idb"],
    "src/core is pure TypeScript (no DOM, no tfjs, no React): ui → services → store → core, workers → engine → core, cli → engine, core.",
  ),
  layer(
    ["src/engine/**"],
    ["store", "services", "ui", "cli", "workers", "react", "react-dom", "zustand", "idb"],
    "src/engine runs in the worker and in Node: it may import src/core, never the page (store, services, ui) or the CLI.",
  ),
  // The store holds state and actions; what talks to workers, storage and downloads is in services,
  // which write the store through its actions. The store reaches the page only through the
  // environment module (clipboard, location, app files), which has fakes for tests.
  {
    files: ["src/store/**"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/engine/**", "**/engine", "**/ui/**", "**/ui", "**/cli/**", "**/workers/**", "@tensorflow/*", "idb"],
              message: "src/store holds state and actions, below the UI and the services.",
            },
            {
              group: ["**/services/**", "**/services/*", "!**/services/environment"],
              message:
                "src/store holds state and actions: workers, storage and downloads are services (src/services), which use the store's actions, not the other way; the store reaches the page only through services/environment.",
            },
          ],
        },
      ],
    },
  },
  layer(
    ["src/services/**"],
    ["engine", "ui", "cli", "workers", "@tensorflow/*", "react", "react-dom"],
    "src/services talk to the workers, the browser's storage and downloads for the page, and write the store through its actions; the UI calls them, never the reverse.",
  ),
  layer(
    ["src/ui/**"],
    ["engine", "cli", "workers", "@tensorflow/*"],
    "src/ui reads the store, calls its actions and the services (and reads core); the engine runs in the worker.",
  ),
  layer(
    ["src/cli/**"],
    ["store", "services", "ui", "workers", "react", "react-dom", "zustand"],
    "src/cli is a thin entry over core and engine; it never reaches the page.",
  ),
  layer(
    ["workers/**"],
    ["store", "services", "ui", "cli", "react", "react-dom", "zustand"],
    "workers/ are thin entries over the engine and core.",
  ),
);
