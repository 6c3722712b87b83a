// The notebook's second trainer.train(): a finished run trains more epochs on the same adapter and
// optimizer; its step count, loss curve and runs-table row continue from where it stopped.
import { expect, test } from "@playwright/test";

test("continue a finished run for 5 more epochs: steps and curve go on from where they stopped", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill("4");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 120_000 });
  await expect(page.getByTestId("loss-chart")).toHaveAttribute("data-points", "4");

  // Five examples, batch 1: five more epochs are 25 more steps.
  await page.getByTestId("continue-epochs").fill("5");
  await page.getByTestId("continue-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 120_000 });
  await expect(page.getByTestId("metric-step")).toHaveAttribute("data-step", "29");
  await expect(page.getByTestId("metric-step")).toHaveText("29 / 29");
  await expect(page.getByTestId("loss-chart")).toHaveAttribute("data-points", "29");
  await expect(page.getByTestId("runs-table").getByText("29/29")).toBeVisible();
  // Refused input says why and cannot be sent.
  await page.getByTestId("continue-epochs").fill("0");
  await expect(page.getByTestId("continue-start")).toBeDisabled();
  await expect(page.getByTestId("continue-run")).toContainText("epochs expects a number > 0");
  await page.getByTestId("training-monitor").screenshot({ path: "/tmp/continue.png" });
});
