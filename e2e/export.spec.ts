// Outgrowing the tab: after a short run the runs table exports it as a training project (.zip) for
// transformers + PEFT, TRL and axolotl, and a trainer_state.json from that training is drawn over
// the run's own loss curve.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";
import { finishedShortRun } from "./shortRun";
import { BUNDLED_MODEL_FILES, bundledFile } from "../src/core/bundledModel";
import { BUNDLED_MODEL_MASKING, BUNDLED_MODEL_TRAINING } from "../src/core/playgroundState";

test("a finished run exports as a zip, and its trainer_state.json overlays the loss chart", async ({ page }) => {
  test.setTimeout(240_000);
  const row = await finishedShortRun(page);

  const [download] = await Promise.all([page.waitForEvent("download"), row.getByTestId("export-run").click()]);
  expect(download.suggestedFilename()).toBe("playground-run-1.zip");
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const names = Object.keys(entries).sort();
  console.log(`export zip:\n  ${names.join("\n  ")}`);
  for (const f of [
    "README.md",
    "playground_config.json",
    "data/tokenized.jsonl",
    "data/messages.jsonl",
    "train.py",
    "trl_sft.py",
    "evaluate.py",
    "playground_common.py",
    "axolotl.yaml",
    "requirements.txt",
    "accelerate/single_gpu.yaml",
    "accelerate/ddp_8gpu.yaml",
    "accelerate/fsdp_8gpu.yaml",
    "accelerate/deepspeed_zero2_8gpu.yaml",
    "slurm/train.sbatch",
  ])
    expect(names).toContain(`playground-run-1/${f}`);
  const config = JSON.parse(strFromU8(entries["playground-run-1/playground_config.json"]));
  expect(config).toMatchObject({
    bundled_model: true,
    strategy: BUNDLED_MODEL_MASKING.strategy,
    training_arguments: { max_steps: 3, learning_rate: BUNDLED_MODEL_TRAINING.learningRate },
  });
  const lora = BUNDLED_MODEL_TRAINING.lora;
  expect(config.lora_config).toMatchObject({ r: lora.r, lora_alpha: lora.loraAlpha, target_modules: null });
  expect(strFromU8(entries["playground-run-1/data/tokenized.jsonl"]).trim().split("\n")).toHaveLength(5);
  // The bundled model's folder comes along, byte for byte as the app serves it, so the project trains the same base.
  for (const f of BUNDLED_MODEL_FILES)
    expect(entries[`playground-run-1/base-model/${f}`], f).toEqual(new Uint8Array(readFileSync(`public/${bundledFile(f)}`)));
  expect(strFromU8(entries["playground-run-1/README.md"])).toContain("base-model/");

  // Bring it back: the Trainer's logged loss drawn dashed over the run's curve.
  const state = { global_step: 3, log_history: [1, 2, 3].map((step) => ({ step, loss: 12 - step, learning_rate: 0.005 })) };
  await row.getByTestId("trainer-log-input").setInputFiles({
    name: "trainer_state.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(state)),
  });
  await expect(page.getByTestId("loss-chart")).toHaveAttribute("data-trainer-points", "3");
  await expect(row.getByTestId("trainer-log-clear")).toBeVisible();
  await page.locator("#runs").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/export-runs.png", fullPage: false });
  await page.getByTestId("loss-chart").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/export-chart.png", fullPage: false });

  // Dropped on the row rather than picked: the run takes it, the page-wide dataset drop does not.
  await row.getByTestId("trainer-log-clear").click();
  await expect(page.getByTestId("loss-chart")).toHaveAttribute("data-trainer-points", "0");
  await row.evaluate((el, text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], "trainer_state.json", { type: "application/json" }));
    el.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, JSON.stringify(state));
  await expect(page.getByTestId("loss-chart")).toHaveAttribute("data-trainer-points", "3");
  await expect(page.getByTestId("dataset-samples")).toHaveCount(0);

  // A wrong file says what is wrong and what to drop instead.
  await row
    .getByTestId("trainer-log-input")
    .setInputFiles({ name: "adapter_config.json", mimeType: "application/json", buffer: Buffer.from("{}") });
  await expect(page.getByTestId("run-export-error")).toContainText("adapter_config.json");
  await expect(page.getByTestId("run-export-error")).toContainText("drop the trainer_state.json");
});
