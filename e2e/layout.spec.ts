// Training in view: on a wide screen the loss chart, the metrics and the first example's tokens are
// in the viewport together during a run, and stay so while the examples scroll; on a phone the monitor
// is one tap away. Screenshots in /tmp for a person to look at.
import { expect, test } from "@playwright/test";
import { inViewport } from "./viewport";

test.describe("1440×900", () => {
  test.use({ viewport: { width: 1440, height: 900 } });
  test("during a run the loss chart and the first example's tokens are both in view, also after scrolling the examples", async ({
    page,
  }) => {
    await page.goto("/");
    await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
    await page.getByTestId("set-max-steps").fill("40");
    await page.getByTestId("train-start").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running", { timeout: 60_000 });
    await expect(page.getByTestId("loss-chart")).not.toHaveAttribute("data-points", "0", { timeout: 60_000 });
    // Back at the top, where the examples start (filling max steps scrolled down to the settings).
    await page.evaluate(() => window.scrollTo(0, 0));
    const chart = page.getByTestId("loss-chart");
    const firstTokens = page.getByTestId("example-0").getByTestId("chip").first();
    expect(await inViewport(page, chart)).toBe(true);
    expect(await inViewport(page, firstTokens)).toBe(true);
    expect(await inViewport(page, page.getByTestId("metric-trained-tps"))).toBe(true);
    await page.screenshot({ path: "/tmp/layout-1440.png" });

    // Down to the last example: the monitor stays beside it.
    await page.getByTestId("example-4").scrollIntoViewIfNeeded();
    expect(await inViewport(page, chart)).toBe(true);
    await page.getByTestId("train-stop").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "stopped", { timeout: 60_000 });
  });
});

test.describe("390×844", () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test("the training monitor is one tap away", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
    const jump = page.getByTestId("monitor-jump");
    await expect(jump).toBeVisible();
    expect(await inViewport(page, page.getByTestId("train-start"))).toBe(false);
    await page.screenshot({ path: "/tmp/layout-390.png" });
    await jump.click();
    await expect.poll(() => inViewport(page, page.getByTestId("train-start"))).toBe(true);
    await page.screenshot({ path: "/tmp/layout-390-monitor.png" });
  });
});
