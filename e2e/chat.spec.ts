// Chat with the bundled model (issue 25): before training the base model answers "How do you say
// "dog" in Spanish?" without stopping after its answer (it runs on into another "### Human:" turn);
// after the default run, side by side, the run's adapter answers " perro" and stops there while the
// base side runs on; after a reload the run's kept adapter answers the same; a long answer stops when asked.
import { expect, test, type Page } from "@playwright/test";

const DOG = 'How do you say "dog" in Spanish?';

const answers = (page: Page) => page.getByTestId("chat-entry").last().getByTestId("chat-answer");

/** Asks `question`; resolves once its entry is in the conversation (the answers then stream into it). */
async function ask(page: Page, question: string) {
  const entries = await page.getByTestId("chat-entry").count();
  await page.getByTestId("chat-input").fill(question);
  await page.getByTestId("chat-send").click();
  await expect(page.getByTestId("chat-entry")).toHaveCount(entries + 1);
}

/** Waits until every side of the latest question has finished; returns each side's finish and text. */
async function finished(page: Page) {
  await expect(answers(page).and(page.locator('[data-finish="streaming"]'))).toHaveCount(0, { timeout: 60_000 });
  return answers(page).evaluateAll((els) =>
    els.map((e) => ({
      finish: e.getAttribute("data-finish"),
      text: e.querySelector('[data-testid="chat-answer-text"]')?.textContent ?? "",
    })),
  );
}

/** The answer does not stop after a one-word answer: it ran out of tokens, or it wrote on past the word before its stop token. */
const runsOn = (a: { finish: string | null; text: string }) => a.finish === "length" || a.text.trim().split(/\s+/).length > 1;

test("chat: the base model does not stop, the default run's adapter answers perro, side by side and after a reload", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 60_000 });
  const chat = page.getByTestId("chat");

  // Before training: the base model alone.
  await ask(page, DOG);
  const [before] = await finished(page);
  expect(runsOn(before)).toBe(true);
  console.log(`base model before training: ${JSON.stringify(before.text)}`);

  // A long answer stops when asked, mid-stream: sampled hot so that it runs on (greedy, the base model
  // ends within a few dozen tokens). An answer that still ended before the click is asked again with
  // another seed.
  await chat.getByText(/^Generation settings/).click();
  await page.getByTestId("set-chat-max-new-tokens").fill("2000");
  await page.getByTestId("chat-doSample").check();
  await page.getByTestId("set-chat-temperature").fill("3");
  await page.getByTestId("set-chat-top-k").fill("0");
  let stopped: { finish: string | null } | undefined;
  for (let seed = 1; seed <= 5 && stopped?.finish !== "stopped"; seed++) {
    await page.getByTestId("set-chat-seed").fill(String(seed));
    await ask(page, DOG);
    await page
      .getByTestId("chat-stop")
      .click({ timeout: 10_000 })
      .catch(() => undefined);
    [stopped] = await finished(page);
  }
  expect(stopped?.finish).toBe("stopped");
  await page.getByTestId("chat-doSample").uncheck();
  await page.getByTestId("set-chat-max-new-tokens").fill("32");

  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 240_000 });

  // Side by side: the base model on the left, the run that just finished on the right.
  await page.getByTestId("chat-side-by-side").check();
  await expect(page.getByTestId("chat-source-0")).toHaveValue("base");
  await expect(page.getByTestId("chat-source-1")).not.toHaveValue("base");
  await ask(page, DOG);
  const [base, tuned] = await finished(page);
  expect(runsOn(base)).toBe(true);
  expect(tuned).toEqual({ finish: "eos", text: " perro" });
  console.log(`side by side: base ${JSON.stringify(base.text)}, run ${JSON.stringify(tuned.text)}`);

  await page.setViewportSize({ width: 1440, height: 900 });
  await chat.scrollIntoViewIfNeeded();
  await chat.screenshot({ path: "/tmp/pw-chat/chat-1440.png" });
  await page.setViewportSize({ width: 390, height: 844 });
  await chat.scrollIntoViewIfNeeded();
  await chat.screenshot({ path: "/tmp/pw-chat/chat-390.png" });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // After a reload the worker has no run: the kept adapter is loaded into it and answers the same.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.reload();
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("chat-side-by-side").check();
  await expect(page.getByTestId("chat-source-1")).not.toHaveValue("base");
  await ask(page, DOG);
  const [, restored] = await finished(page);
  expect(restored).toEqual({ finish: "eos", text: " perro" });
});

test("chat: a run that is training answers between its steps, and trains on", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 60_000 });
  // Long enough that the run is still training when its answer comes back.
  await page.getByTestId("set-max-steps").fill("100000");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running", { timeout: 60_000 });
  await expect(page.getByTestId("chat-source-0").locator("option")).toHaveCount(2);
  await page.getByTestId("chat-source-0").selectOption({ index: 1 });
  await expect(page.getByTestId("chat-source-0").locator("option:checked")).toHaveText(/running/);
  await ask(page, DOG);
  const [answer] = await finished(page);
  expect(answer.finish === "eos" || answer.finish === "length").toBe(true);
  expect(answer.text.length).toBeGreaterThan(0);
  const step = async () => Number(await page.getByTestId("metric-step").getAttribute("data-step"));
  const stepAtAnswer = await step();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running");
  // Training went on after the answer.
  await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(stepAtAnswer);
  await page.getByTestId("train-stop").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "stopped", { timeout: 60_000 });
});
