// What a new user meets first: the page on its defaults, `auto` backend, Start training pressed once.
// The bundled pretrained model answers at most one question before training; after the default run
// it gives all five answers, each ended by </s>, and the runs table reports the time. (The holdout,
// "good" → "bueno", is not learned yet: issue 9 stays open on it.)
import { expect, test, type Page } from "@playwright/test";

const answers = (page: Page, kind: "train" | "holdout") =>
  page.locator(`[data-testid="generation-row"][data-kind="${kind}"] [data-testid="generated"] > .answer`);

test("the default run: before, at most one answer right; after, all five, with the run's time", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("train-start").click();
  // The answers before the first step (step 0), from the pretrained model alone.
  await expect(page.getByTestId("generations")).toHaveAttribute("data-step", "0", { timeout: 60_000 });
  await expect(answers(page, "train")).toHaveCount(5);
  const rightBefore = await answers(page, "train").evaluateAll((els) => els.filter((e) => e.getAttribute("data-match") === "true").length);
  expect(rightBefore).toBeLessThanOrEqual(1);

  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 240_000 });
  const backend = await page.getByTestId("backend-name").textContent();
  await expect(answers(page, "train").and(page.locator('[data-match="true"]'))).toHaveCount(5);
  const holdout = await answers(page, "holdout").locator("code").textContent();
  const time = page.getByTestId("run-time").first();
  await expect(time).toHaveText(/\d+(\.\d)? s/);
  console.log(
    `default run on ${backend}: ${await time.textContent()} (${await time.getAttribute("data-ms")} ms), ${rightBefore}/5 right before, holdout ${holdout}`,
  );
  await page.screenshot({ path: "/tmp/default-run.png", fullPage: true });
});
