// "Replay the notebook" on the bundled default: its experiments run one after another (short here:
// 3 epochs each), the comparison shows every trained run with its time against the first and its
// answers, the experiment that would train nothing is skipped with the reason, and each of the
// notebook's conclusions comes with the numbers measured here.
import { expect, test } from "@playwright/test";

test.use({ viewport: { width: 1440, height: 1000 } });

test("replay the notebook: five runs compared, the template-not-found run skipped with its reason, conclusions measured", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-epochs").fill("3");
  await page.getByTestId("replay-start").click();
  await expect(page.getByTestId("replay-status")).toHaveAttribute("data-status", "running");
  await expect(page.getByTestId("replay-status")).toHaveAttribute("data-status", "done", { timeout: 280_000 });

  const rows = page.getByTestId("replay-row");
  await expect(rows).toHaveCount(6);
  const trained = page.locator('[data-testid=replay-row]:not([data-skipped="true"])');
  await expect(trained).toHaveCount(5);
  // Every run after the first shows its time against the first, e.g. "4.1 s (-45%)".
  const times = await trained.getByTestId("replay-time").allInnerTexts();
  expect(times[0]).toMatch(/^\d+\.\d s$/);
  for (const t of times.slice(1)) expect(t).toMatch(/^\d+\.\d s \([+-]?\d+%\)$/);
  for (const a of await trained.getByTestId("replay-answers").allInnerTexts()) expect(a).toMatch(/^\d\/\d$/);
  await expect(page.locator('[data-experiment="completion-text"]').getByTestId("replay-skipped")).toContainText(
    'the response template "\\n\\n### Assistant:"',
  );
  await expect(page.locator('[data-experiment="completion-text"]').getByTestId("replay-skipped")).toContainText("was not found");

  const conclusions = page.getByTestId("replay-conclusions").locator("li");
  await expect(conclusions).toHaveCount(7);
  for (const text of await conclusions.allInnerTexts()) expect(text).toMatch(/Measured: /);
  // The runs are ordinary runs: in the runs table, labelled with their experiment.
  await expect(page.getByTestId("runs-table").getByText(/notebook: /)).toHaveCount(5);
  await page.getByTestId("notebook-replay").screenshot({ path: "/tmp/replay-e2e.png" });
});
