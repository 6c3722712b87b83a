// A finished run to export: the page on its defaults, trained for `steps` steps.
import { expect, type Locator, type Page } from "@playwright/test";

/** Opens the page, trains `steps` steps and returns the finished run's row. */
export async function finishedShortRun(page: Page, steps = 3): Promise<Locator> {
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill(String(steps));
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 180_000 });
  return page.getByTestId("run-row").first();
}
