// Runs and adapters survive a reload (IndexedDB): after a short run and a reload the run, its curve
// and its PEFT adapter are still there, downloaded from the browser's database; the run downloads as
// a file that a fresh browser imports with its adapter; a run cut off by a reload comes back
// interrupted with the adapter of its last pause; runs an earlier version kept in localStorage are
// moved in once, and an unreadable one is a notice, not a crash.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { expect, test, type Download, type Page } from "@playwright/test";
import { NOTEBOOK_TRAINING } from "../src/core/playgroundState";
import { DEFAULT_LORA_CONFIG, Q_PROJ_LORA_B_SHAPE } from "./bundledShapes";

const chartPoints = async (page: Page) => Number(await page.getByTestId("loss-chart").getAttribute("data-points"));
const stepOf = async (page: Page) => Number(await page.getByTestId("metric-step").getAttribute("data-step"));

/** Clicks `testId` in the first run's row and returns each download as name → bytes. */
async function downloadsOf(page: Page, testId: string, count: number): Promise<Map<string, Buffer>> {
  const downloads: Download[] = [];
  const take = (d: Download) => downloads.push(d);
  page.on("download", take);
  await page.getByTestId("run-row").first().getByTestId(testId).click();
  await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(count);
  page.off("download", take);
  return new Map(await Promise.all(downloads.map(async (d) => [d.suggestedFilename(), readFileSync(await d.path())] as const)));
}

/** PEFT's two files, checked by name and by the safetensors header's LoRA keys; returns the weights' size. */
async function expectPeftAdapter(page: Page): Promise<number> {
  const files = await downloadsOf(page, "download-adapter", 2);
  expect([...files.keys()].sort()).toEqual(["adapter_config.json", "adapter_model.safetensors"]);
  expect(JSON.parse(files.get("adapter_config.json")!.toString("utf8"))).toMatchObject(DEFAULT_LORA_CONFIG);
  const weights = files.get("adapter_model.safetensors")!;
  const headerLength = Number(weights.readBigUInt64LE(0));
  const header = JSON.parse(weights.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, { shape: number[] }>;
  expect(Object.keys(header)).toContain("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
  expect(header["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"].shape).toEqual(Q_PROJ_LORA_B_SHAPE);
  return weights.length;
}

async function storageLine(page: Page): Promise<string> {
  return (await page.getByTestId("runs-storage").textContent()) ?? "";
}

test("a finished run, its curve and its adapter survive a reload; as a file it moves to a fresh browser", async ({ page, browser }) => {
  test.setTimeout(300_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill("3");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 180_000 });
  await expect(page.getByTestId("loss-chart")).toHaveAttribute("data-points", "3");
  // The page asked the worker for the adapter and keeps it with the run.
  await expect(page.getByTestId("run-stored")).toHaveAttribute("title", /the adapter \(step 3\)/, { timeout: 30_000 });
  console.log(`before reload: ${await storageLine(page)} (row: ${await page.getByTestId("run-stored").getAttribute("data-bytes")} bytes)`);

  await page.reload();
  const row = page.getByTestId("run-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("run-state")).toHaveText("finished");
  await expect(page.getByTestId("loss-chart")).toHaveAttribute("data-points", "3");
  await expect(page.getByTestId("runs-storage")).toContainText("Kept in this browser: 1 run");
  console.log(`after reload: ${await storageLine(page)}`);
  // The worker lost it with the reload: these bytes come from IndexedDB.
  const weightBytes = await expectPeftAdapter(page);

  const files = await downloadsOf(page, "download-run", 1);
  const [name, zip] = [...files][0];
  expect(name).toBe("playground-run-1.run.zip");
  const zipPath = test.info().outputPath(name);
  writeFileSync(zipPath, zip);
  console.log(`run file ${name}: ${statSync(zipPath).size} bytes; adapter_model.safetensors ${weightBytes} bytes`);

  // A fresh browser (its own storage): import the file.
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto("/");
  await expect(fresh.getByTestId("import-runs")).toBeVisible({ timeout: 60_000 });
  await expect(fresh.getByTestId("run-row")).toHaveCount(0);
  await fresh.getByTestId("import-runs-input").setInputFiles(zipPath);
  // The file carries the run's newest checkpoint too (its last step), so the import can resume it.
  await expect(fresh.getByTestId("import-runs-result")).toContainText("Imported run 1 (with its adapter and its checkpoint of step 3).");
  await expect(fresh.getByTestId("run-row")).toHaveCount(1);
  await expect(fresh.getByTestId("run-row").getByTestId("run-state")).toHaveText("finished");
  await expect(fresh.getByTestId("loss-chart")).toHaveAttribute("data-points", "3");
  expect(await expectPeftAdapter(fresh)).toBe(weightBytes);
  // Imported runs are kept like trained ones.
  await fresh.reload();
  await expect(fresh.getByTestId("run-row")).toHaveCount(1);
  await expect(fresh.getByTestId("run-stored")).toHaveAttribute("title", /the adapter \(step 3\)/);
  await fresh.context().close();
});

test("a run cut off by a reload comes back interrupted, with its curve and the adapter of its last pause", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill("500");
  await page.getByTestId("train-start").click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId("train-pause").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "paused", { timeout: 60_000 });
  const pausedAt = await stepOf(page);
  await expect(page.getByTestId("run-stored")).toHaveAttribute(
    "title",
    `In this browser's storage: the record and the adapter (step ${pausedAt})`,
    {
      timeout: 30_000,
    },
  );
  await page.getByTestId("train-resume").click();
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThan(pausedAt + 1);
  const before = await chartPoints(page);

  await page.reload();
  await expect(page.getByTestId("run-row").getByTestId("run-state")).toHaveText("interrupted");
  // Every step the page had: written to localStorage when the page was hidden (runsJournal.ts), then moved into the database.
  await expect.poll(() => chartPoints(page)).toBeGreaterThanOrEqual(before);
  expect(await page.evaluate(() => localStorage.getItem("finetuning-playground.runs.unsaved"))).toBeNull();
  await expect(page.getByTestId("download-adapter")).toHaveText(`adapter ⤓ (step ${pausedAt})`);
  await expectPeftAdapter(page);
});

test("runs an earlier version kept in localStorage move into the database once; an unreadable one is a notice", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("import-runs")).toBeVisible({ timeout: 60_000 });
  const key = "finetuning-playground.runs.v1";
  const record = {
    id: "old-1",
    createdAt: Date.now() - 86_400_000,
    label: "run 7",
    modelName: "bundled default",
    strategy: "markers",
    backend: "wasm",
    settings: NOTEBOOK_TRAINING,
    prompts: [{ kind: "train", question: "q", expected: "a" }],
    status: "finished",
    totalSteps: 2,
    trainableParameters: 10,
    steps: [1, 2].map((step) => ({
      step,
      totalSteps: 2,
      epoch: 1,
      loss: 3 / step,
      learningRate: 0.005,
      gradNorm: 1,
      tokens: 4,
      tokensPerSecond: 10,
      msPerStep: 50,
    })),
    generations: [],
    wallMs: 1234,
    runningSince: null,
    tokensTrained: 8,
    errors: [],
    adapterInWorker: false,
  };
  await page.evaluate(
    ({ key, record }) => {
      localStorage.setItem(key, JSON.stringify({ runOrder: ["old-1", "old-2"], baselineRunId: "old-1" }));
      localStorage.setItem(`${key}.old-1`, JSON.stringify(record));
      localStorage.setItem(`${key}.old-2`, JSON.stringify({ ...record, id: "old-2", settings: { learningRate: "fast" } }));
    },
    { key, record },
  );
  await page.reload();
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("run-row")).toContainText("run 7");
  await expect(page.getByTestId("run-row").getByTestId("run-state")).toHaveText("finished");
  await expect(page.getByTestId("runs-notice")).toContainText("A run kept in this browser could not be read");
  await expect(page.getByTestId("runs-notice")).toContainText("old-2: settings");
  expect(await page.evaluate((key) => Object.keys(localStorage).filter((k) => k.startsWith(key)), key)).toEqual([]);
  await page.reload();
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await page.getByTestId("discard-unreadable-runs").click();
  await expect(page.getByTestId("runs-notice")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("runs-notice")).toHaveCount(0);
});
