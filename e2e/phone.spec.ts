// On a phone (mobile emulation: touch, a device-width viewport): at every common width nothing pushes
// the page sideways (a wider page makes the phone zoom out and puts the fixed "Training" button off the
// screen), on the first screen, after runs, with five runs in the table and with a dataset preview
// open; the "Training" button is inside the screen and starts a run in two taps. Screenshots at 390 px
// in /tmp for a person to look at.
import { expect, test, type Page } from "@playwright/test";
import { inViewport, pageWidths } from "./viewport";

const WIDTHS = [320, 360, 390, 414];

/** One conversation whose words are longer than any phone's column. */
const LONG_WORDS = Array.from({ length: 3 }, (_, i) =>
  JSON.stringify({
    messages: [
      { role: "user", content: `Explain DataCollatorForCompletionOnlyLM_${"x".repeat(80)}_${i}` },
      { role: "assistant", content: `https://example.org/${"very-long-path-".repeat(8)}${i}` },
    ],
  }),
).join("\n");

async function expectNoSidewaysScroll(page: Page, where: string) {
  const { scrollWidth, innerWidth } = await pageWidths(page);
  expect(scrollWidth, `${where}: the page is ${scrollWidth} px wide in a ${innerWidth} px screen`).toBe(innerWidth);
  expect(innerWidth, `${where}: the layout viewport is the device's width`).toBe(page.viewportSize()!.width);
}

async function waitForStatus(page: Page, status: string) {
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", status, { timeout: 120_000 });
}

for (const width of WIDTHS) {
  test.describe(`${width}×844, mobile`, () => {
    test.use({ viewport: { width, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

    test(`${width} px: no sideways scrolling on the first screen, after five runs and with a dataset preview; "Training" starts a run`, async ({
      page,
    }) => {
      test.setTimeout(240_000);
      await page.goto("/");
      await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
      await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
      await expectNoSidewaysScroll(page, "first screen");
      if (width === 390) await page.screenshot({ path: "/tmp/phone-390-first.png" });

      await page.getByTestId("set-max-steps").fill("1");
      await page.evaluate(() => window.scrollTo(0, 0));
      const jump = page.getByTestId("monitor-jump");
      expect(await inViewport(page, jump), "the Training button is wholly inside the screen").toBe(true);
      await jump.tap();
      await expect.poll(() => inViewport(page, page.getByTestId("train-start"))).toBe(true);
      await page.getByTestId("train-start").tap();
      await waitForStatus(page, "finished");
      await expectNoSidewaysScroll(page, "after a run");

      for (let run = 2; run <= 5; run++) {
        await page.getByTestId("train-start").tap();
        await expect(page.getByTestId("run-status")).toContainText(`run ${run}`);
        await waitForStatus(page, "finished");
      }
      await expect(page.getByTestId("run-row")).toHaveCount(5);
      await page.getByTestId("runs-table").scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(page, "five runs in the table");
      if (width === 390) await page.screenshot({ path: "/tmp/phone-390-runs.png" });

      await page
        .getByTestId("dataset-file-input")
        .setInputFiles({ name: "long-words.jsonl", mimeType: "application/json", buffer: Buffer.from(LONG_WORDS) });
      await expect(page.getByTestId("dataset-preview")).toBeVisible();
      await page.getByTestId("dataset-preview").scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(page, "dataset preview open");
      if (width === 390) await page.screenshot({ path: "/tmp/phone-390-preview.png" });
      expect(await inViewport(page, jump), "the Training button is still inside the screen").toBe(true);
    });
  });
}

// A narrow desktop window (no mobile emulation, so no zooming out to hide a wide page).
test.describe("narrow desktop windows", () => {
  for (const width of WIDTHS) {
    test(`${width} px without mobile emulation: the first screen fits`, async ({ page }) => {
      await page.setViewportSize({ width, height: 844 });
      await page.goto("/");
      await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
      await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
      await expectNoSidewaysScroll(page, `${width} px window`);
      expect(await inViewport(page, page.getByTestId("monitor-jump"))).toBe(true);
    });
  }
});
