// Checkpoints (issue 26): a 300-step run on the bundled model whose page is reloaded at a random
// step comes back with "Resume from step N", loses at most one checkpoint interval, and from there
// gives the losses of an uninterrupted run with the same seed and settings; after another reload the
// finished run can be continued. A checkpoint whose bytes were flipped in IndexedDB is reported with
// its run and step, and the one before it is used.
import { expect, test, type Page } from "@playwright/test";

const STEPS = 300;
const SAVE_STEPS = 50;
const TOLERANCE = 1e-5;

interface StoredRun {
  id: string;
  label: string;
  status: string;
  steps: Array<{ step: number; loss: number }>;
}

type DatabaseTask = { kind: "runs" } | { kind: "checkpoint-keys" } | { kind: "corrupt"; key: string };

/**
 * Reads or changes the page's IndexedDB as a test can, beside the page: the runs' record texts, the
 * checkpoints' keys, or 16 bytes flipped in the middle of a stored checkpoint's optimizer file (a damaged disk).
 */
function inDatabase(page: Page, task: DatabaseTask): Promise<string[]> {
  return page.evaluate(
    (task) =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open("finetuning-playground");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(task.kind === "runs" ? "runs" : "checkpoints", task.kind === "corrupt" ? "readwrite" : "readonly");
          const store = tx.objectStore(task.kind === "runs" ? "runs" : "checkpoints");
          let result: string[] = [];
          if (task.kind === "runs") store.getAll().onsuccess = (e) => (result = (e.target as IDBRequest<string[]>).result);
          else if (task.kind === "checkpoint-keys")
            store.getAllKeys().onsuccess = (e) => (result = (e.target as IDBRequest<IDBValidKey[]>).result.map(String));
          else
            store.get(task.key).onsuccess = (e) => {
              const value = (e.target as IDBRequest<{ files: Record<string, ArrayBuffer> }>).result;
              const bytes = new Uint8Array(value.files["optimizer.safetensors"]);
              for (let i = 0; i < 16; i++) bytes[(bytes.length >> 1) + i] ^= 0xff;
              store.put(value, task.key);
            };
          tx.oncomplete = () => {
            db.close();
            resolve(result);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    task,
  );
}

/** The runs as the page keeps them in IndexedDB (the record's JSON text), by label. */
async function storedRuns(page: Page): Promise<Map<string, StoredRun>> {
  const texts = await inDatabase(page, { kind: "runs" });
  return new Map(texts.map((t) => JSON.parse(t) as StoredRun).map((r) => [r.label, r]));
}

/** Waits until the database holds `label` with `steps` steps, and returns its loss per step. */
async function lossesOf(page: Page, label: string, steps: number): Promise<Map<number, number>> {
  await expect.poll(async () => (await storedRuns(page)).get(label)?.steps.length ?? 0, { timeout: 30_000 }).toBe(steps);
  return new Map((await storedRuns(page)).get(label)!.steps.map((s) => [s.step, s.loss]));
}

async function setUp(page: Page) {
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill(String(STEPS));
  await page.getByTestId("set-save-steps").fill(String(SAVE_STEPS));
  // No answers while training: the steps are what is compared, and they come faster.
  await page.getByTestId("set-generate-every").fill("0");
}

const stepOf = async (page: Page) => Number(await page.getByTestId("metric-step").getAttribute("data-step"));

/** Starts run `label` and reloads the page once it passed `at`; returns the step the page had shown. */
async function reloadedAt(page: Page, label: string, at: number): Promise<number> {
  await page.getByTestId("train-start").click();
  // The step shown is the current run's: until the new run is current it is the last run's.
  await expect(page.getByTestId("run-status")).toContainText(`${label}:`, { timeout: 60_000 });
  await expect.poll(() => stepOf(page), { timeout: 120_000, intervals: [20] }).toBeGreaterThanOrEqual(at);
  const shown = await stepOf(page);
  await page.reload();
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  return shown;
}

function expectSameLosses(resumed: Map<number, number>, reference: Map<number, number>, from: number) {
  let compared = 0;
  for (const [step, loss] of resumed) {
    if (step <= from) continue;
    expect(Math.abs(loss - reference.get(step)!), `step ${step}`).toBeLessThanOrEqual(TOLERANCE);
    compared++;
  }
  expect(compared).toBe(STEPS - from);
}

test.describe.configure({ mode: "serial" });
let reference: Map<number, number>;

test("a run cut off by a reload resumes from its last checkpoint with the uninterrupted run's losses, and can be continued after another reload", async ({
  page,
}) => {
  test.setTimeout(600_000);
  await setUp(page);
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 300_000 });
  reference = await lossesOf(page, "run 1", STEPS);

  // A random step, far enough from the end that the reload lands before the run finishes.
  const at = 60 + Math.floor(Math.random() * 140);
  const shown = await reloadedAt(page, "run 2", at);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "interrupted");
  const line = page.getByTestId("checkpoint-line");
  const saved = Number(await line.getAttribute("data-step"));
  console.log(`reloaded at step ${shown} (asked ${at}); newest checkpoint: step ${saved}; ${await line.textContent()}`);
  expect(saved).toBeGreaterThan(0);
  // The page writes a checkpoint while training goes on (runCheckpoints.ts), a few steps of the default
  // model: reloaded just past a multiple of SAVE_STEPS, that checkpoint may still be in flight, and the
  // newest kept is the one before it.
  const due = Math.floor(shown / SAVE_STEPS) * SAVE_STEPS;
  expect([due, due - SAVE_STEPS]).toContain(saved);
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await line.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `/tmp/pw-checkpoints-interrupted-${width}.png` });
  }
  await page.getByTestId("resume-checkpoint").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 300_000 });
  expectSameLosses(await lossesOf(page, "run 2", STEPS), reference, saved);

  // Reloaded again, the finished run is restored from its last checkpoint and trains more epochs.
  await page.reload();
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("continue-epochs").fill("1");
  await page.getByTestId("continue-start").click();
  // Five examples, batch 1: one more epoch is 5 more steps.
  await expect(page.getByTestId("metric-step")).toHaveAttribute("data-step", String(STEPS + 5), { timeout: 120_000 });
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished");
});

test("a checkpoint whose bytes changed in IndexedDB is reported with its run and step, and the previous one is used", async ({ page }) => {
  test.setTimeout(600_000);
  await setUp(page);
  const shown = await reloadedAt(page, "run 1", 160 + Math.floor(Math.random() * 40));
  const saved = Number(await page.getByTestId("checkpoint-line").getAttribute("data-step"));
  const keys = await inDatabase(page, { kind: "checkpoint-keys" });
  // save_total_limit 2: the newest and the one before it.
  expect(keys).toHaveLength(2);
  const newest = keys.find((k) => k.endsWith(`/${saved}`))!;
  const previous = Number(keys.find((k) => k !== newest)!.split("/")[1]);
  console.log(`reloaded at step ${shown}; corrupting the checkpoint of step ${saved}, expecting step ${previous} to be used`);
  await inDatabase(page, { kind: "corrupt", key: newest });

  await page.getByTestId("resume-checkpoint").click();
  await expect(page.getByTestId("run-errors")).toContainText(
    `The checkpoint of run 1 at step ${saved} cannot be used: its bytes changed in storage (the checksum does not match).`,
  );
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 300_000 });
  const resumed = await lossesOf(page, "run 1", STEPS);
  expectSameLosses(resumed, reference, previous);
  for (const [width, height] of [
    [1440, 900],
    [390, 844],
  ]) {
    await page.setViewportSize({ width, height });
    await page.getByTestId("run-errors").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `/tmp/pw-checkpoints-damaged-${width}.png` });
  }
});
