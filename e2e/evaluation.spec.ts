// The eval split on the page: a fifth of the examples held out, their loss measured every eval_steps in
// the worker and drawn beside the training loss, the learning rate and grad norm as small charts, and
// the last eval loss in the runs table.
import { expect, test } from "@playwright/test";

test("an eval split draws eval losses every eval_steps, the learning rate and grad norm, and the runs table's eval loss", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill("10");
  await page.getByTestId("set-eval-split").fill("0.2");
  await page.getByTestId("set-eval-steps").fill("5");
  await page.getByTestId("set-lr-scheduler-type").selectOption("cosine");
  // 5 examples, 1 held out: the plan says so before the run.
  await expect(page.getByTestId("step-plan")).toContainText("1 example held out for evaluation");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 240_000 });

  const chart = page.getByTestId("loss-chart");
  await expect(chart).toHaveAttribute("data-points", "10");
  await expect(chart).toHaveAttribute("data-eval-points", "2");
  await expect(page.getByTestId("lr-chart")).toHaveAttribute("data-points", "10");
  await expect(page.getByTestId("grad-norm-chart")).toHaveAttribute("data-points", "10");
  await expect(page.getByTestId("run-row").first().getByTestId("run-eval-loss")).toHaveText(/^\d+\.\d{4}$/);
  await expect(page.getByTestId("metric-eval-loss")).toHaveText(/^\d+(\.\d+)?$/);
  await page.getByTestId("training-monitor").screenshot({ path: "/tmp/pw-h25/eval-monitor-1440.png" });
  await page.getByRole("region", { name: "Training settings" }).screenshot({ path: "/tmp/pw-h25/eval-settings-1440.png" });
  await page.screenshot({ path: "/tmp/pw-h25/eval-1440.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("loss-chart").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/pw-h25/eval-390.png" });
});
