// Loading a model from the hub through the training panel, against e2e/hub/hubServer.ts on this
// machine (no network): the success path shows download progress and the model's info; a 404 file
// and a truncated file each show their message and a next step, and the previous model stays.
import { expect, test, type Page } from "@playwright/test";
import { startHubServer, testModels, type HubServer } from "./hub/hubServer";

let hub: HubServer;

test.beforeAll(async () => {
  hub = await startHubServer({
    models: testModels(),
    faults: {
      notFound: ["test/tiny-qwen2/config.json"],
      truncate: { "test/tiny-bloom/model.safetensors": 1000 },
    },
  });
});
test.afterAll(() => hub?.close());

async function loadHubModel(page: Page, modelId: string) {
  await page.getByTestId("model-hub-id").fill(modelId);
  await page.getByTestId("model-hub-load").click();
}

test("hub models: progress and info on success, the 404 and the truncated file explained", async ({ page }) => {
  test.setTimeout(180_000);
  // Nothing but this page's server and the local hub may be reached.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
  // Hold the weights back for a moment so the progress bar can be seen.
  await page.route(`${hub.url}/test/tiny-llama/resolve/main/model.safetensors`, async (route) => {
    if (route.request().method() !== "GET") return route.continue();
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ response });
  });
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByText("Advanced").click();
  await page.getByTestId("hub-base-url").fill(hub.url);

  await loadHubModel(page, "test/tiny-llama");
  await expect(page.getByTestId("model-progress")).toContainText("MB of", { timeout: 30_000 });
  await page.screenshot({ path: "/tmp/training-hub-progress.png", fullPage: false, clip: { x: 0, y: 0, width: 1280, height: 2000 } });
  await expect(page.getByTestId("model-info")).toContainText("llama", { timeout: 60_000, ignoreCase: true });
  await expect(page.getByTestId("model-progress")).toHaveCount(0);
  await expect(page.getByTestId("model-error")).toHaveCount(0);
  // The model's tokenizer came with it, and its target modules are offered.
  await expect(page.getByTestId("tokenizer-name")).toHaveText("test/tiny-llama");
  await expect(page.getByTestId("target-modules")).toContainText("q_proj");
  const info = await page.getByTestId("model-info").textContent();

  await loadHubModel(page, "test/tiny-qwen2");
  const notFound = page.getByTestId("model-error");
  await expect(notFound).toHaveAttribute("data-kind", "not-found", { timeout: 30_000 });
  await expect(notFound).toContainText("config.json of test/tiny-qwen2 (revision main) was not found (HTTP 404");
  await expect(notFound).toContainText("Next:");
  await expect(page.getByTestId("model-info")).toHaveText(info ?? "");

  await loadHubModel(page, "test/tiny-bloom");
  const truncated = page.getByTestId("model-error");
  await expect(truncated).toHaveAttribute("data-kind", /truncated|network/, { timeout: 30_000 });
  await expect(truncated).toContainText("model.safetensors of test/tiny-bloom");
  await expect(truncated).toContainText("Next:");
  await expect(page.getByTestId("model-info")).toHaveText(info ?? "");
  await page.screenshot({ path: "/tmp/training-hub-error.png", fullPage: true });
});
