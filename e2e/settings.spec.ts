// The settings table in the page: a value the form accepts (epochs 2.5) survives a reload and a share
// link; one it refuses says why under its input and never reaches the autosave. Also: the page loads
// without a single failed request (the favicon's 404 was logged on every load).
import { expect, test } from "@playwright/test";
import { DEFAULT_STATE } from "../src/core/playgroundState";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("epochs 2.5 survives a reload and a share link; a refused value says why and is not saved", async ({ page, browser }) => {
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto("/");
  const epochs = page.getByTestId("set-epochs");
  await expect(epochs).toHaveValue(String(DEFAULT_STATE.training.epochs));

  await epochs.fill("2.5");
  await expect(page.getByTestId("autosave-status")).toContainText("Autosaved");
  await page.reload();
  await expect(epochs).toHaveValue("2.5");

  // Refused: the reason under the input, the run keeps the last good value, nothing is saved.
  await epochs.fill("0");
  await expect(epochs).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("set-epochs-error")).toHaveText('epochs expects a number > 0 and ≤ 100000, not "0"; the run uses 2.5.');
  await page.getByTestId("set-epochs-error").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/settings-refused.png" });
  await page.reload();
  await expect(epochs).toHaveValue("2.5");
  await expect(page.getByTestId("set-epochs-error")).toHaveCount(0);

  await page.getByTestId("share-copy").click();
  await expect(page.getByTestId("share-result")).toHaveAttribute("data-kind", "copied");
  const url = await page.getByTestId("share-url").inputValue();
  const other = await (await browser.newContext()).newPage();
  await other.goto(url);
  await expect(other.getByTestId("link-notice")).toContainText("Opened the shared playground");
  await expect(other.getByTestId("set-epochs")).toHaveValue("2.5");

  expect(failed).toEqual([]);
});
