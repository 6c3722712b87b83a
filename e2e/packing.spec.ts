// Packing in the page: choosing bfd shows the examples as packed rows, each example whole in one box
// whose first token is not trained; wrapped shows pieces with attention crossing; the choice survives
// a reload (the settings table's schema, through the autosave).
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { DEFAULT_STATE } from "../src/core/playgroundState";

test("bfd packs every example whole into rows; wrapped cuts them; the setting survives a reload", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
  await expect(page.getByTestId("packed-rows")).toHaveCount(0);

  await page.getByTestId("set-packing").selectOption("bfd");
  const rows = page.getByTestId("packed-rows");
  await expect(rows).toBeVisible();
  await expect(rows).toHaveAttribute("data-crosses", "false");
  // Every example once (the first rows shown hold them all at this size), each box starting untrained.
  const segments = rows.locator(".packed-segment");
  await expect(segments).toHaveCount(DEFAULT_STATE.examples.length);
  const examples = await segments.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-example"))).sort((a, b) => a - b));
  expect(examples).toEqual(DEFAULT_STATE.examples.map((_, i) => i));
  for (const first of await segments.locator('[data-testid="chip"]:first-child').all()) {
    await expect(first).toHaveAttribute("data-trained", "false");
  }
  expect(await rows.getByTestId("packed-row").count()).toBeLessThanOrEqual(DEFAULT_STATE.examples.length);
  // The packed rows pass axe as the rest of the page does (no serious or critical faults).
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="packed-rows"]').analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);

  await expect(page.getByTestId("autosave-status")).toContainText("Autosaved");
  await page.reload();
  await expect(page.getByTestId("set-packing")).toHaveValue("bfd");
  await expect(page.getByTestId("packed-rows")).toBeVisible();

  await page.getByTestId("set-packing").selectOption("wrapped");
  await expect(rows).toHaveAttribute("data-crosses", "true");
  await expect(page.getByTestId("packed-summary")).toContainText("Attention crosses");
  await page.getByTestId("set-packing").selectOption("none");
  await expect(page.getByTestId("packed-rows")).toHaveCount(0);
});

test("a run with bfd packing trains the packed rows: one epoch at batch 1 is one step per row", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-packing").selectOption("bfd");
  const rows = await page.getByTestId("packed-rows").getByTestId("packed-row").count();
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThan(DEFAULT_STATE.examples.length);
  await page.getByTestId("set-max-steps").fill("0");
  await page.getByTestId("set-epochs").fill("1");
  await page.getByTestId("set-batch-size").fill("1");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 180_000 });
  await expect(page.getByTestId("metric-step")).toHaveText(`${rows} / ${rows}`);
});
