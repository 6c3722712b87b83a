// Datasets by drag-and-drop and playgrounds shared by URL, in a real browser: preview before
// replacing, undo, line-numbered errors that leave the examples alone, a share link reproduced in a
// fresh browser, tampered links, export/import, autosave, and a 200 MB file read off the page.
// Offline: every request off 127.0.0.1 is aborted.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

async function offline(page: Page) {
  await page.route(
    (url) => url.hostname !== "127.0.0.1" && url.hostname !== "localhost",
    (route) => route.abort("internetdisconnected"),
  );
}

async function openPlayground(page: Page, path = "/") {
  await offline(page);
  await page.goto(path);
  await expect(page.getByTestId("tokenizer-name")).toHaveText("tiny-translator (bundled)");
  await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
}

const exampleRows = (page: Page) => page.locator("article.example-row");

const messages = (user: string, assistant: string) =>
  JSON.stringify({
    messages: [
      { role: "user", content: user },
      { role: "assistant", content: assistant },
    ],
  });

const GOOD =
  [messages("What is 2+2?", "4"), messages("Capital of France?", "Paris"), messages("Colour of the sky?", "blue")].join("\n") + "\n";

const BROKEN = [
  messages("one", "uno"),
  messages("two", "dos"),
  '{"messages": [{"role": "user", "content": "three"}, {"role": "assistant" "content": "tres"}]}',
  messages("four", "cuatro"),
  messages("five", "cinco"),
].join("\n");

/** A drop on the page, as the browser fires it for a file dragged from the desktop. */
async function dropFile(page: Page, name: string, text: string) {
  const dataTransfer = await page.evaluateHandle(
    ([n, t]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n));
      return dt;
    },
    [name, text] as const,
  );
  await page.dispatchEvent("main", "dragenter", { dataTransfer });
  await page.dispatchEvent("main", "dragover", { dataTransfer });
  await expect(page.getByTestId("drop-overlay")).toBeVisible();
  await page.dispatchEvent("main", "drop", { dataTransfer });
  await expect(page.getByTestId("drop-overlay")).toBeHidden();
}

/** The playground as the Export button writes it. */
async function exported(page: Page): Promise<unknown> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-playground").click()]);
  const path = await download.path();
  return JSON.parse(await readFile(path, "utf8"));
}

/** Edits across examples, holdout, strategy and templates, committed and autosaved. */
async function editPlayground(page: Page) {
  await page.getByTestId("content-0-1").fill("perrito");
  await page.getByTestId("holdout-prompt").fill('How do you say "cat" in Spanish?');
  await page.getByTestId("strategy-full").check();
  const response = page.getByTestId("response-template");
  await response.fill("\\n\\n### Answer:");
  await response.blur();
  await expect(page.getByTestId("autosave-status")).toContainText("Autosaved");
}

test("a dropped JSONL file is previewed, replaces the examples on confirm, and Undo restores them", async ({ page }) => {
  await openPlayground(page);
  await expect(exampleRows(page)).toHaveCount(5);
  await dropFile(page, "good.jsonl", GOOD);

  const preview = page.getByTestId("dataset-preview");
  await expect(preview).toBeVisible();
  await expect(page.getByTestId("dataset-format")).toHaveText("JSON Lines · messages [{role, content}]");
  await expect(page.getByTestId("dataset-count")).toHaveText("3");
  await expect(page.getByTestId("dataset-turns")).toHaveText("6");
  await expect(page.getByTestId("dataset-samples")).toContainText("Capital of France?");
  // Nothing replaced before the user says so.
  await expect(exampleRows(page)).toHaveCount(5);
  await page.screenshot({ path: "/tmp/data-preview.png" });

  await page.getByTestId("dataset-replace").click();
  await expect(preview).toBeHidden();
  await expect(exampleRows(page)).toHaveCount(3);
  await expect(page.getByTestId("content-1-1")).toHaveValue("Paris");
  await expect(page.getByTestId("dataset-undo-bar")).toContainText("Loaded 3 examples from good.jsonl");
  await page.screenshot({ path: "/tmp/data-replaced.png" });

  await page.getByTestId("dataset-undo").click();
  await expect(exampleRows(page)).toHaveCount(5);
  await expect(page.getByTestId("content-0-1")).toHaveValue("perro");
});

test("a file with bad JSON on line 3 shows the line-numbered error and keeps the examples", async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId("content-0-1").fill("perrito");
  await dropFile(page, "broken.jsonl", BROKEN);

  const error = page.getByTestId("dataset-error").first();
  await expect(error).toHaveAttribute("data-line", "3");
  await expect(error).toContainText(/^broken\.jsonl:3:\d+ \$\[2\]/);
  await expect(page.getByTestId("dataset-skipped")).toContainText("1 × not valid JSON");
  await expect(page.getByTestId("dataset-count")).toHaveText("4");
  await page.screenshot({ path: "/tmp/data-broken.png" });
  await expect(exampleRows(page)).toHaveCount(5);
  await expect(page.getByTestId("content-0-1")).toHaveValue("perrito");
  await page.getByTestId("dataset-cancel").click();
  await expect(page.getByTestId("dataset-preview")).toBeHidden();
  await expect(exampleRows(page)).toHaveCount(5);
  await expect(page.getByTestId("content-0-1")).toHaveValue("perrito");

  // Nothing usable at all: no Replace button, the examples stay.
  await dropFile(page, "all-bad.jsonl", "not json\n{also not\n");
  await expect(page.getByTestId("dataset-preview")).toHaveAttribute("data-tone", "error");
  await expect(page.getByTestId("dataset-error").first()).toContainText("all-bad.jsonl:1:1");
  await expect(page.getByTestId("dataset-verdict")).toContainText("Nothing to load from all-bad.jsonl");
  await expect(page.getByTestId("dataset-replace")).toHaveCount(0);
  await expect(page.getByTestId("content-0-1")).toHaveValue("perrito");
});

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await offline(page);
  return page;
}

test("a share link reproduces the playground in a fresh browser; a tampered one changes nothing", async ({ page, browser, baseURL }) => {
  await openPlayground(page);
  await editPlayground(page);
  const mine = await exported(page);

  await page.getByTestId("share-copy").click();
  await expect(page.getByTestId("share-result")).toHaveAttribute("data-kind", "copied");
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(new RegExp(`^${baseURL}/#v1=`));
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await page.screenshot({ path: "/tmp/data-share.png" });

  // Someone else, no autosave: the link applies at once.
  const other = await freshPage(browser);
  await other.goto(url);
  await expect(other.getByTestId("link-notice")).toContainText("Opened the shared playground");
  await expect(other.getByTestId("content-0-1")).toHaveValue("perrito");
  await expect(other.getByTestId("holdout-prompt")).toHaveValue('How do you say "cat" in Spanish?');
  await expect(other.getByTestId("strategy-full")).toBeChecked();
  await expect(other.getByTestId("response-template")).toHaveValue("\\n\\n### Answer:");
  expect(await exported(other)).toEqual(mine);
  expect(other.url()).not.toContain("#");

  // They edit, then open the link again: asked first; keeping theirs changes nothing.
  await other.getByTestId("content-1-1").fill("aguita");
  await expect(other.getByTestId("autosave-status")).toContainText("Autosaved");
  await other.goto(url);
  await expect(other.getByTestId("shared-dialog")).toBeVisible();
  await other.screenshot({ path: "/tmp/data-shared-dialog.png" });
  await other.getByTestId("shared-keep").click();
  await expect(other.getByTestId("link-notice")).toContainText("Kept your playground");
  await expect(other.getByTestId("content-1-1")).toHaveValue("aguita");
  await other.reload();
  await expect(other.getByTestId("shared-dialog")).toBeHidden();
  await expect(other.getByTestId("content-1-1")).toHaveValue("aguita");

  // A tampered link: an error with a next step, the playground as it was.
  const hash = url.slice(url.indexOf("#"));
  const tampered = `${url.slice(0, url.indexOf("#"))}${hash.slice(0, 40)}@@not-lz${hash.slice(60)}`;
  await other.goto(tampered);
  await expect(other.getByTestId("link-notice")).toHaveAttribute("data-tone", "error");
  await expect(other.getByTestId("link-notice")).toContainText("The share link could not be opened");
  await expect(other.getByTestId("link-notice")).toContainText("Your playground is unchanged");
  await expect(other.getByTestId("content-1-1")).toHaveValue("aguita");
  await other.screenshot({ path: "/tmp/data-tampered.png" });
  // A truncated link, in a freshly loaded page.
  await other.goto("about:blank");
  await other.goto(`${baseURL}/${hash.slice(0, hash.length - 200)}`);
  await expect(other.getByTestId("link-notice")).toHaveAttribute("data-tone", "error");
  await expect(other.getByTestId("content-1-1")).toHaveValue("aguita");
  await other.context().close();
});

test("export then import round-trips the playground; an invalid file changes nothing", async ({ page }, testInfo) => {
  await openPlayground(page);
  await editPlayground(page);
  const saved = await exported(page);
  const file = testInfo.outputPath("playground.json");
  const { writeFile } = await import("node:fs/promises");
  await writeFile(file, JSON.stringify(saved));

  await page.getByTestId("content-0-1").fill("changed after export");
  await page.getByTestId("strategy-markers").check();
  await page.getByTestId("import-file-input").setInputFiles(file);
  await expect(page.getByTestId("file-notice")).toContainText("Imported playground.json");
  await expect(page.getByTestId("content-0-1")).toHaveValue("perrito");
  await expect(page.getByTestId("strategy-full")).toBeChecked();
  expect(await exported(page)).toEqual(saved);

  const bad = testInfo.outputPath("bad.json");
  await writeFile(bad, JSON.stringify({ kind: "finetuning-playground", version: 1, state: { examples: "nope" } }));
  await page.getByTestId("import-file-input").setInputFiles(bad);
  await expect(page.getByTestId("file-notice")).toHaveAttribute("data-tone", "error");
  await expect(page.getByTestId("file-notice")).toContainText("bad.json was not imported");
  await expect(page.getByTestId("file-notice")).toContainText("$.state");
  await page.screenshot({ path: "/tmp/data-import-error.png" });
  expect(await exported(page)).toEqual(saved);
});

test("the autosave survives a reload; a corrupt one is reported and ignored", async ({ page }) => {
  await openPlayground(page);
  await editPlayground(page);
  await page.reload();
  await expect(page.getByTestId("content-0-1")).toHaveValue("perrito");
  await expect(page.getByTestId("strategy-full")).toBeChecked();
  await expect(page.getByTestId("holdout-prompt")).toHaveValue('How do you say "cat" in Spanish?');

  await page.evaluate(() =>
    localStorage.setItem("finetuning-playground:autosave", '{"kind": "finetuning-playground", "version": 1, "state": {'),
  );
  await page.reload();
  await expect(page.getByTestId("restore-notice")).toContainText("The autosaved playground could not be restored");
  await expect(page.getByTestId("restore-notice")).toContainText("not valid JSON");
  await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
  await expect(page.getByTestId("content-0-1")).toHaveValue("perro");
  expect(await page.evaluate(() => localStorage.getItem("finetuning-playground:autosave-unreadable"))).toContain('"state": {');
  await page.screenshot({ path: "/tmp/data-corrupt-autosave.png" });
});

test("the bundled model's masking note switches to the notebook's markers, and the choice survives a reload", async ({ page }) => {
  await openPlayground(page);
  const note = page.getByTestId("bundled-masking-note");
  await expect(page.getByTestId("strategy-completion-only")).toBeChecked();
  await expect(page.getByTestId("no-start-marker")).toBeChecked();
  await note.getByRole("button", { name: "use the notebook's markers" }).click();
  await expect(page.getByTestId("strategy-markers")).toBeChecked();
  await expect(page.getByTestId("marker-ids")).toContainText("<s>");
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("finetuning-playground:autosave") ?? ""))
    .toContain('"strategy":"markers"');
  await page.reload();
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("strategy-markers")).toBeChecked();
  await note.getByRole("button", { name: "use the bundled model's default" }).click();
  await expect(page.getByTestId("strategy-completion-only")).toBeChecked();
  await expect(page.getByTestId("marker-ids")).not.toContainText("<s>");
});

/** ~1 KB chat records up to `bytes`, streamed to disk. */
async function writeBigJsonl(path: string, bytes: number): Promise<number> {
  const out = createWriteStream(path);
  const filler = "The quick brown fox jumps over the lazy dog. ".repeat(10);
  let written = 0;
  let records = 0;
  while (written < bytes) {
    const line = `${messages(`Question ${records}: ${filler}`, `Answer ${records}: ${filler}`)}\n`;
    written += Buffer.byteLength(line);
    records += 1;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return records;
}

test("a 200 MB JSONL file is read in the worker: progress shown, no long task over 100 ms", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const dir = await mkdtemp(join(tmpdir(), "data-spec-"));
  try {
    const path = join(dir, "big.jsonl");
    const records = await writeBigJsonl(path, 200 * 1024 * 1024);
    const size = (await stat(path)).size;
    await openPlayground(page);
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: "longtask" });
    });
    const started = Date.now();
    await page.getByTestId("dataset-file-input").setInputFiles(path);
    await expect(page.getByTestId("dataset-progress")).toBeVisible();
    const seen = new Set<string>();
    while (await page.getByTestId("dataset-progress").isVisible()) {
      const text = await page
        .getByTestId("dataset-bytes")
        .textContent({ timeout: 500 })
        .catch(() => null);
      if (text) seen.add(text);
      await page.waitForTimeout(250);
    }
    await expect(page.getByTestId("dataset-preview")).toBeVisible({ timeout: 180_000 });
    const seconds = (Date.now() - started) / 1000;
    await page.waitForTimeout(500);
    await page.screenshot({ path: "/tmp/data-big.png" });
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const longest = Math.max(0, ...longTasks);
    const report = `200 MB: ${size} bytes, ${records} records, preview after ${seconds.toFixed(1)} s, ${seen.size} progress readings, long tasks ${JSON.stringify(longTasks.map(Math.round))}, longest ${longest.toFixed(0)} ms`;
    console.log(report);
    testInfo.annotations.push({ type: "measurement", description: report });
    await expect(page.getByTestId("dataset-count")).toHaveText(records.toLocaleString("en-US"));
    expect(
      [...seen].some((t) => /of 200(\.0)? MB \((\d|[1-9]\d)%\)/.test(t)),
      `progress readings: ${[...seen].join(" | ")}`,
    ).toBe(true);
    expect(longest, report).toBeLessThan(100);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
