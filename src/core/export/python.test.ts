// The export's Python is checked as Python: every file in ./python/ compiles (py_compile) and passes
// pyflakes (undefined names, unused imports) where pyflakes is installed, and the export ships exactly
// these files.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PYTHON_FILES } from "./python";

const DIR = join(import.meta.dirname, "python");
const paths = readdirSync(DIR)
  .filter((f) => f.endsWith(".py"))
  .map((f) => join(DIR, f));

const runs = (python: string, args: string[]) => spawnSync(python, args, { encoding: "utf8" }).status === 0;
const hasPython = runs("python3", ["--version"]);
// Debian's python3-pyflakes (installed by .ci/run) belongs to /usr/bin/python3, which a pyenv or a
// virtual environment may shadow on PATH.
const pyflakesPython = ["python3", "/usr/bin/python3"].find((p) => runs(p, ["-m", "pyflakes", "--version"]));

describe("the export's Python files", () => {
  it("are the files the export ships, with the same text", () => {
    expect(paths.length).toBeGreaterThan(0);
    expect(PYTHON_FILES.map((f) => f.path).sort()).toEqual(paths.map((p) => p.slice(DIR.length + 1)).sort());
    for (const f of PYTHON_FILES) expect(f.text, f.path).toBe(readFileSync(join(DIR, f.path), "utf8"));
  });

  it.skipIf(!hasPython)(`compile (python3 -m py_compile)${hasPython ? "" : " (skipped: python3 is not on PATH)"}`, () => {
    // The compiled files go to a temporary folder, not beside the sources.
    const env = { ...process.env, PYTHONPYCACHEPREFIX: mkdtempSync(join(tmpdir(), "export-pycache-")) };
    const r = spawnSync("python3", ["-m", "py_compile", ...paths], { encoding: "utf8", env });
    expect(r.status, r.stderr).toBe(0);
  });

  it.skipIf(!pyflakesPython)(
    `pass pyflakes${pyflakesPython ? "" : " (skipped: no python3 with pyflakes; Debian: apt-get install python3-pyflakes)"}`,
    () => {
      const r = spawnSync(pyflakesPython!, ["-m", "pyflakes", ...paths], { encoding: "utf8" });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    },
  );
});
