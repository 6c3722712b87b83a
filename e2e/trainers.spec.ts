// "As trained by" in a real browser: the notebook's example under the TRL ≤ 0.19 collator (its
// response template, tokenized alone, is not found in context, so nothing trains) compared with
// TRL ≥ 0.20's prompt-completion rows (the answer trains): the labels that differ are ringed, the
// collator's warning explains why, and the config that reproduces each side can be copied.
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

test("the TRL collator against TRL 1.x on the notebook's example, labels that differ ringed", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await openPlayground(page);
  const section = page.getByTestId("trainer-section");
  await section.getByTestId("trainer-row").selectOption("text");
  await section.getByTestId("trainer-select").selectOption("trl-collator");
  // The form comes from the collator's option table.
  await expect(section.getByTestId("trainer-option-padding_free")).toHaveValue("false");
  const template = section.getByTestId("trainer-option-response_template");
  await template.fill("\\n\\n### Assistant:");
  await template.blur();

  const first = page.getByTestId("example-0");
  await expect(first).toHaveAttribute("data-trained-count", "0");
  await expect(first.locator('[data-testid="warning"][data-code="template-not-found"]')).toBeVisible();
  await expect(first.getByTestId("mismatch")).toBeVisible();

  const config = section.getByTestId("trainer-config");
  await expect(config).toContainText("DataCollatorForCompletionOnlyLM(");
  await expect(config).toContainText('response_template="\\n\\n### Assistant:",');
  await section.getByTestId("trainer-copy").click();
  await expect(section.getByTestId("trainer-copy-status")).toBeVisible();

  await page.getByTestId("compare-toggle").check();
  await page.getByTestId("compare-strategy").selectOption("trainer:trl");
  await expect(first.getByTestId("compare-a")).toHaveAttribute("data-trainer", "trl-collator");
  await expect(first.getByTestId("compare-b")).toHaveAttribute("data-trainer", "trl");
  await expect(first.getByTestId("compare-summary")).toContainText(/Same tokens; \d+ labels? differ/);
  const ringed = first.getByTestId("compare-b").locator('[data-diff="true"][data-trained="true"]');
  await expect(ringed.first()).toBeVisible();
  expect(await ringed.allTextContents().then((t) => t.join(""))).toContain("perro");
  // The explanation stays with the side that trains nothing.
  await expect(first.getByTestId("compare-a").locator('[data-code="template-not-found"]')).toBeVisible();

  // And back: TRL 1.x on the first side, the collator to compare with.
  await section.getByTestId("trainer-select").selectOption("trl");
  await expect(section.getByTestId("trainer-config")).toContainText("completion_only_loss=None,");
  await page.getByTestId("compare-strategy").selectOption("trainer:trl-collator");
  await expect(first.getByTestId("compare-a")).toHaveAttribute("data-trainer", "trl");
  await expect(first.getByTestId("compare-summary")).toContainText(/labels? differ/);

  // The sidebar is sticky: the page scrolls to the example, the sidebar to the trainer's config.
  await page.setViewportSize({ width: 1280, height: 1000 });
  await first.scrollIntoViewIfNeeded();
  await config.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/trainers.png" });
});

test("a run under a preset trains its labels and the runs table names the tool", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openPlayground(page);
  const section = page.getByTestId("trainer-section");
  // The bundled model's own chat template: axolotl trains each answer and its </s>.
  await section.getByTestId("trainer-select").selectOption("axolotl");
  await section.getByTestId("trainer-option-train_on_eos").selectOption("none");
  const first = page.getByTestId("example-0");
  const trained = first.locator('[data-testid="chip"][data-trained="true"]');
  // " perro" without its </s>.
  await expect.poll(async () => (await trained.allTextContents()).join("")).toMatch(/^\W?perro$/);
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 240_000 });
  await expect(page.getByTestId("run-labels").first()).toHaveText("axolotl chat_template (train_on_eos=none)");
  // The replay's experiments are maskings: it says it does not use the tool.
  await expect(page.getByTestId("replay-preset-note")).toContainText("As trained by is set to axolotl chat_template");
  await page.screenshot({ path: "/tmp/pw-kb/preset-run-1440.png", fullPage: false });
  await page.getByTestId("run-labels").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/pw-kb/preset-runs-1440.png" });
  await page.setViewportSize({ width: 390, height: 844 });
  await section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/pw-kb/preset-section-390.png" });
  await page.getByTestId("run-labels").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/pw-kb/preset-runs-390.png" });
});
