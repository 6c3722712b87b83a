// Tool-calling data in the page: a ShareGPT file with function_call / observation turns and a tools
// list (LLaMA-Factory's glaive shape) is read, previewed and replaces the examples; the assistant's
// call is trained and the tool's result masked in the mask view; the call is edited as JSON, a broken
// edit is refused with the reader's message and the last valid call kept.
import { expect, test } from "@playwright/test";

const GLAIVE_LIKE = [0, 1]
  .map((i) =>
    JSON.stringify({
      conversations: [
        { from: "human", value: `Weather in city ${i}?` },
        { from: "function_call", value: JSON.stringify({ name: "get_weather", arguments: { city: `c${i}` } }) },
        { from: "observation", value: JSON.stringify({ temp_c: 18 + i }) },
        { from: "gpt", value: `It is ${18 + i} degrees.` },
      ],
      tools: JSON.stringify([{ name: "get_weather", description: "Current weather", parameters: { type: "object" } }]),
    }),
  )
  .join("\n");

test("a tool-calling dataset: read, replaced, its calls trained and results masked, a call edited", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page
    .getByTestId("dataset-file-input")
    .setInputFiles({ name: "tools.jsonl", mimeType: "application/json", buffer: Buffer.from(GLAIVE_LIKE) });
  await expect(page.getByTestId("dataset-preview")).toBeVisible();
  await expect(page.getByTestId("dataset-count")).toHaveText("2");
  await page.getByTestId("dataset-replace").click();

  const calls = page.getByTestId("tool-calls-0-1");
  await expect(calls).toHaveValue(/"name": "get_weather"/);
  await expect(page.getByTestId("tools-0")).toHaveValue(/"Current weather"/);
  await expect(page.getByTestId("role-0-2")).toHaveValue("tool");

  const chips = page.getByTestId("example-0").getByTestId("chip");
  const trainedText = async () => (await chips.filter({ has: page.locator(":scope[data-trained=true]") }).allInnerTexts()).join("");
  await expect.poll(trainedText).toContain("c0");
  const trained = await trainedText();
  expect(trained).toContain("weather");
  expect(trained).not.toContain("temp");

  // A broken edit is refused and said; a valid one re-masks the example.
  await calls.fill('[{"arguments": {}}]');
  await expect(page.getByTestId("example-editor-0").getByRole("alert")).toContainText("no function name");
  const typed = '[{"name": "get_weather", "arguments": {"city": "zz9"}}]';
  await calls.fill(typed);
  await expect(page.getByTestId("example-editor-0").getByRole("alert")).toHaveCount(0);
  await expect.poll(trainedText).toContain("zz9");
  // The field's own commit does not re-format what is being typed.
  await expect(calls).toHaveValue(typed);
});
