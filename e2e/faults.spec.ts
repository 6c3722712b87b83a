// Faults during training, each injected for real: the WebGPU device destroyed under a run, every
// trainable weight turned NaN mid-run, the wasm backend out of memory mid-run, a run too large to fit
// refused before it starts, and the training worker terminated mid-run from the page.
// Each leaves a message that says what happened and what to do, and loses nothing already done.
import { expect, test, type Page } from "@playwright/test";
import type { BackendName, FromWorker } from "../src/core/protocol";
import type { InjectedFault } from "./harness/workerHarness";
import { bundledRun, driveUntilRunEnds } from "./harness/workerRun";

const LONG = { maxSteps: 40, generateEvery: 0 };

const steps = (messages: FromWorker[]) => messages.flatMap((m) => (m.type === "step" ? [m.metrics.step] : []));

/** bundledRun's 40-step run on these backends, tried in order (a software adapter as ordered too). */
const runOn = (backends: BackendName[]) => bundledRun({ type: "init", backends, softwareWebgpu: "as-ordered" }, LONG);

/** That run with `fault` injected, to its end. */
const faultedRun = (page: Page, backends: BackendName[], fault: InjectedFault) => driveUntilRunEnds(page, runOn(backends), fault);

test("the WebGPU device lost under a run: the run fails at that step with device-lost, offers the next backend, keeps its steps", async ({
  page,
}) => {
  const messages = await faultedRun(page, ["webgpu", "wasm"], { kind: "device-lost", atStep: 3 });
  expect(messages.find((m) => m.type === "backend")).toMatchObject({ backend: "webgpu" });
  const error = messages.find((m) => m.type === "run-error");
  expect(error).toMatchObject({ type: "run-error", runId: "r", kind: "device-lost", nextBackend: "wasm" });
  expect(error?.type === "run-error" && error.step).toBeGreaterThanOrEqual(3);
  expect(steps(messages).slice(0, 3)).toEqual([1, 2, 3]);
  expect(messages.at(-1)).toMatchObject({ type: "run-state", state: "failed" });
});

test("a NaN loss mid-run: the run stops at that step and says to lower the learning rate", async ({ page }) => {
  const messages = await faultedRun(page, ["wasm"], { kind: "nan", atStep: 2 });
  const error = messages.find((m) => m.type === "run-error");
  expect(error).toMatchObject({ kind: "nan", nextBackend: null });
  // The fault lands between two steps once step 2 is reported; the first NaN step is refused, not reported.
  const at = error?.type === "run-error" ? error.step : 0;
  expect(at).toBeGreaterThanOrEqual(3);
  expect(steps(messages)).toEqual(Array.from({ length: at - 1 }, (_, i) => i + 1));
  expect(error?.type === "run-error" && error.message).toContain(
    `The loss became NaN at step ${at}; training stopped. Lower the learning rate`,
  );
  expect(messages.at(-1)).toMatchObject({ type: "run-state", state: "failed" });
});

test("out of memory mid-run: the run fails at that step with out-of-memory, says what to lower, offers the next backend", async ({
  page,
}) => {
  const messages = await faultedRun(page, ["wasm", "cpu"], { kind: "oom", atStep: 2 });
  const error = messages.find((m) => m.type === "run-error");
  expect(error).toMatchObject({ kind: "out-of-memory", nextBackend: "cpu" });
  expect(error?.type === "run-error" && error.message).toMatch(/\(OOM\).*ran out of memory: lower the batch size or max_seq_length/);
  expect(steps(messages).slice(0, 2)).toEqual([1, 2]);
  expect(messages.at(-1)).toMatchObject({ type: "run-state", state: "failed" });
});

test("a run too large for the backend is refused before it starts, with its size and what to lower", async ({ page }) => {
  // 64 examples of 4,096 tokens over a 2,000-token vocabulary: 2.1 GB of logits, three times over in a step.
  const [init, load, start] = runOn(["wasm"]);
  if (start.type !== "start") throw new Error("bundledRun's third message is the start");
  const long = Array.from({ length: 4096 }, (_, i) => 5 + (i % 100));
  const big = {
    ...start,
    examples: Array.from({ length: 64 }, () => ({ inputIds: long, labels: long })),
    settings: { ...start.settings, batchSize: 64, maxSeqLength: 4096 },
  };
  const messages = await driveUntilRunEnds(page, [init, load, big], undefined, "error");
  const error = messages.find((m) => m.type === "error");
  expect(error?.type === "error" && error.message).toMatch(
    /needs about \d+\.\d GB at its largest step \(batch 64 × 4096 tokens × vocabulary 2,000\), more than the wasm backend can hold \(4\.0 GB\)\. Lower the batch size/,
  );
  expect(messages.some((m) => m.type === "run-state")).toBe(false);
});

test("the training worker terminated mid-run: the run is interrupted with what it had, the examples stay, training starts again", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto("/");
  await expect(page.getByTestId("model-info")).toBeVisible({ timeout: 120_000 });
  await page.getByTestId("set-max-steps").fill("400");
  await page.getByTestId("train-start").click();
  await expect
    .poll(async () => Number(await page.getByTestId("metric-step").getAttribute("data-step")), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(3);
  // Choosing another backend restarts the worker: whatever it was doing is cut off, as in a crash.
  await page.getByTestId("backend-choice").selectOption("cpu");
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "interrupted", { timeout: 30_000 });
  await expect(page.getByTestId("run-errors")).toContainText("Restarted the worker on another backend");
  const points = Number(await page.getByTestId("loss-chart").getAttribute("data-points"));
  expect(points).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId("content-0-1")).toHaveValue("perro");
  await page.getByTestId("set-max-steps").fill("2");
  await page.getByTestId("train-start").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "finished", { timeout: 120_000 });
  await expect(page.getByTestId("backend-name")).toHaveText("cpu");
  await page.getByTestId("training-monitor").screenshot({ path: "/tmp/fault-interrupted.png" });
});
