// The examples at a glance: after a dataset replaces the examples, the epochs are sized to it (said,
// with a way back) and the next run's steps shown; the summary says how many max_seq_length cuts (here
// the ten records written far longer than 512 tokens), draws the lengths as a histogram, lists the
// repeats, and jumps to one.
import { expect, test } from "@playwright/test";

const words = (n: number, seed: number) => Array.from({ length: n }, (_, k) => `word${(k * 7 + seed) % 97}`).join(" ");
const RECORDS = [
  ...Array.from({ length: 20 }, (_, i) => ({ instruction: `Question ${i}?`, input: "", output: `Short answer ${i}.` })),
  // About 1,500 words each: past 512 tokens with any tokenizer.
  ...Array.from({ length: 10 }, (_, i) => ({ instruction: `Essay ${i}`, input: "", output: words(1500, i) })),
  { instruction: "Question 3?", input: "", output: "Short answer 3." },
  { instruction: "Question 4?", input: "", output: "Short answer 4." },
];

test("a dataset replaces the examples: epochs sized to it, the steps ahead, its lengths, what max_seq_length cuts, repeats", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("dataset-file-input").setInputFiles({
    name: "mixed.jsonl",
    mimeType: "application/json",
    buffer: Buffer.from(RECORDS.map((r) => JSON.stringify(r)).join("\n")),
  });
  await page.getByTestId("dataset-replace").click();
  await expect(page.getByTestId("totals")).toContainText("32 examples", { timeout: 60_000 });

  // The notebook's 15 epochs give way to a dataset-sized 3, said with a way back; the next run's steps follow.
  await expect(page.getByTestId("dataset-epochs-note")).toContainText("Epochs 15 → 3");
  await expect(page.getByTestId("set-epochs")).toHaveValue("3");
  await expect(page.getByTestId("step-plan")).toHaveAttribute("data-steps", String(3 * 32));
  await page.getByTestId("dataset-keep-epochs").click();
  await expect(page.getByTestId("set-epochs")).toHaveValue("15");
  await expect(page.getByTestId("step-plan")).toHaveAttribute("data-steps", String(15 * 32));

  const stats = page.getByTestId("dataset-stats");
  await expect(stats.getByTestId("stats-truncated")).toHaveAttribute("data-count", "10");
  await stats.locator("summary").click();
  const bars = stats.getByTestId("length-histogram").locator(".bar");
  expect(await bars.count()).toBeGreaterThan(1);
  await expect(stats.getByTestId("length-histogram").locator(".bar.over")).not.toHaveCount(0);
  await expect(stats).toContainText("Repeats of an earlier example: 2");
  await stats.getByRole("button", { name: "Go to example 32 (a repeat)" }).click();
  await expect(page.locator("#example-row-31")).toBeInViewport();
});
