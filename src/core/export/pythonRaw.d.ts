// The export's Python files, imported as text: Vite's `?raw` in the page and under vitest; under tsx
// (the CLI) src/cli/rawImportHooks.ts does the same. Declared here because src/core is type-checked
// without vite/client (tsconfig.pure.json).
declare module "*.py?raw" {
  const text: string;
  export default text;
}
