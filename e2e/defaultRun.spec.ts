// What a new user meets first: the page on its defaults, `auto` backend, Start training pressed once.
// The bundled pretrained model answers at most one question before training; after the default run
// it gives all five answers, each ended by </s>, the holdout "good" comes out bueno (or buena, buen…:
// it was never trained on), and the runs table reports the time.
import { expect, test, type Page } from "@playwright/test";

const rows = (page: Page, kind: "train" | "holdout") => page.locator(`[data-testid="generation-row"][data-kind="${kind}"]`);
/** The latest answers. */
const answers = (page: Page, kind: "train" | "holdout") => rows(page, kind).locator('[data-testid="generated"] > .answer');
/** The answers before the first step (step 0, the pretrained model alone): each row's first history entry. */
const answersBefore = (page: Page) => rows(page, "train").locator("details.history li:first-child .answer");

test("the default run: before, at most one answer right; after, all five and the holdout, with the run's time", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 240_000 });
  const backend = await page.getByTestId("backend-name").textContent();

  await expect(rows(page, "train").locator("details.history li").first()).toHaveText(/^step 0:/);
  await expect(answersBefore(page)).toHaveCount(5);
  const before = await answersBefore(page).evaluateAll((els) =>
    els.map((e) => ({ match: e.getAttribute("data-match"), text: e.textContent })),
  );
  expect(before.filter((a) => a.match === "true").length).toBeLessThanOrEqual(1);

  await expect(answers(page, "train").and(page.locator('[data-match="true"]'))).toHaveCount(5);
  const holdout = await answers(page, "holdout").locator("code").textContent();
  expect(JSON.parse(holdout ?? "null")?.trim()).toMatch(/^buen/);
  const time = page.getByTestId("run-time").first();
  await expect(time).toHaveText(/\d+(\.\d)? s/);
  console.log(
    `default run on ${backend}: ${await time.textContent()} (${await time.getAttribute("data-ms")} ms); before ${before.map((a) => a.text).join(", ")}; holdout ${holdout}`,
  );
  await page.screenshot({ path: "/tmp/default-run.png", fullPage: true });
});
