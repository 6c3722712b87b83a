// Accessibility: axe-core finds no serious or critical fault on the main views (first screen, mask
// compare, dataset preview, training running, runs table, the notebook replay, and a phone's first
// screen), and the page works from a keyboard alone: tab into an example and edit it, switch the
// strategy, start and stop training, open a run, each control showing where the focus is.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";

/** axe's serious and critical violations, one readable line each (rule, impact, first elements). */
async function seriousFaults(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")}`,
    );
}

async function expectNoSeriousFaults(page: Page, view: string) {
  expect(await seriousFaults(page), `axe on ${view}`).toEqual([]);
}

async function openPlayground(page: Page) {
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("example-0").getByTestId("chip").first()).toBeVisible();
}

const DATASET = [
  {
    messages: [
      { role: "user", content: "Capital of France?" },
      { role: "assistant", content: "Paris" },
    ],
  },
  {
    messages: [
      { role: "user", content: "Capital of Spain?" },
      { role: "assistant", content: "Madrid" },
    ],
  },
]
  .map((r) => JSON.stringify(r))
  .join("\n");

test.describe("1440×900", () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test("axe: no serious or critical faults on the first screen, compare, dataset preview, a running and a stopped run, the replay", async ({
    page,
  }) => {
    test.setTimeout(300_000);
    await openPlayground(page);
    await expectNoSeriousFaults(page, "the first screen");

    await page.getByTestId("compare-toggle").check();
    await expect(page.getByTestId("compare-summary").first()).toBeVisible();
    await expectNoSeriousFaults(page, "mask compare");
    await page.getByTestId("compare-toggle").uncheck();

    await page
      .getByTestId("dataset-file-input")
      .setInputFiles({ name: "two.jsonl", mimeType: "application/json", buffer: Buffer.from(DATASET) });
    await expect(page.getByTestId("dataset-preview")).toBeVisible();
    await expectNoSeriousFaults(page, "the dataset preview");
    await page.getByTestId("dataset-cancel").click();

    await page.getByTestId("set-max-steps").fill("400");
    await page.getByTestId("train-start").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running", { timeout: 60_000 });
    await expect(page.getByTestId("loss-chart")).not.toHaveAttribute("data-points", "0", { timeout: 60_000 });
    await expectNoSeriousFaults(page, "training running");
    await page.getByTestId("train-stop").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "stopped", { timeout: 60_000 });
    await expect(page.getByTestId("run-row")).toHaveCount(1);
    await expectNoSeriousFaults(page, "the runs table");

    // Two steps an experiment: the replay's table and conclusions are what is scanned, not its results.
    await page.getByTestId("set-max-steps").fill("2");
    await page.getByTestId("replay-start").click();
    await expect(page.getByTestId("replay-status")).toHaveAttribute("data-status", "done", { timeout: 240_000 });
    await expectNoSeriousFaults(page, "the notebook replay");
  });

  test("from the keyboard alone: switch the strategy, edit an example, start and stop training, open a run; focus is visible", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await openPlayground(page);
    await page.getByTestId("set-max-steps").fill("400");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.evaluate(() => window.scrollTo(0, 0));

    // Sidebar first on a wide screen: the strategy, then the examples, then the monitor's controls.
    const initial = await page.locator('input[name="strategy"]:checked').getAttribute("value");
    await tabTo(page, page.locator('input[name="strategy"]:checked'));
    await page.keyboard.press("ArrowDown");
    const switched = await page.locator('input[name="strategy"]:checked').getAttribute("value");
    expect(switched).not.toBe(initial);

    const content = page.getByTestId("content-0-1");
    const chips = page.getByTestId("example-0").getByTestId("chip");
    const before = await chips.count();
    await tabTo(page, content);
    await page.keyboard.press("End");
    await page.keyboard.type(" grande");
    await expect(content).toHaveValue("perro grande");
    await expect.poll(() => chips.count()).toBeGreaterThan(before);

    await tabTo(page, page.getByTestId("train-start"));
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running", { timeout: 60_000 });
    await tabTo(page, page.getByTestId("train-stop"));
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "stopped", { timeout: 60_000 });

    // A second run, then open the first one from the runs table.
    await page.getByTestId("set-max-steps").fill("1");
    await page.getByTestId("train-start").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("run-status")).toHaveText(/run 2: finished/, { timeout: 60_000 });
    await tabTo(page, page.getByTestId("open-run").first());
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("run-status")).toHaveText(/run 1: stopped/);
    await expect(page.getByTestId("open-run").first()).toHaveAttribute("aria-current", "true");
  });
});

test.describe("390×844, mobile", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("axe on a phone's first screen; the examples come before the strategy in tab order; explanations fold to a line", async ({
    page,
  }) => {
    await openPlayground(page);
    await expectNoSeriousFaults(page, "a phone's first screen");

    const firstExample = page.getByTestId("content-0-0");
    const firstStrategy = page.locator('input[name="strategy"]').first();
    const order = await page.evaluate(
      ([a, b]) => (a!.compareDocumentPosition(b!) & Node.DOCUMENT_POSITION_FOLLOWING ? "example first" : "strategy first"),
      [await firstExample.elementHandle(), await firstStrategy.elementHandle()],
    );
    expect(order).toBe("example first");

    const explanation = page.locator(".strategy .explanation").first();
    const lineHeight = await explanation.evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
    expect((await explanation.boundingBox())!.height).toBeLessThan(lineHeight * 1.5);
    const more = page
      .locator(".strategy")
      .first()
      .getByRole("button", { name: /^More about/ });
    await more.tap();
    await expect(
      page
        .locator(".strategy")
        .first()
        .getByRole("button", { name: /^Less about/ }),
    ).toHaveAttribute("aria-expanded", "true");
    expect((await explanation.boundingBox())!.height).toBeGreaterThan(lineHeight * 1.5);
  });
});

/**
 * Presses Tab until `target` has the focus (at most 400 times), then checks that the focus is drawn:
 * an outline, as app.css gives every control's :focus-visible.
 */
async function tabTo(page: Page, target: Locator) {
  const handle = await target.elementHandle();
  for (let i = 0; i < 400; i++) {
    if (await page.evaluate((el) => document.activeElement === el, handle)) {
      const outline = await target.evaluate((el) => getComputedStyle(el).outlineStyle);
      expect(outline, "the focused control shows its focus").not.toBe("none");
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}
