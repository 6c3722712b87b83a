// For specs that drive the real training worker through worker.html: a short run of the bundled
// model on one tiny example (ids 1 and 2 are the markers), and the drive until the run ends.
import { expect, type Page } from "@playwright/test";
import type { FromWorker, ToWorker } from "../../src/core/protocol";
import { NOTEBOOK_TRAINING } from "../../src/core/settings/trainingSettings";
import type { InjectedFault } from "./workerHarness";

type Init = Extract<ToWorker, { type: "init" }>;

export function bundledRun(init: Init, plan: { maxSteps: number; generateEvery: number }): ToWorker[] {
  return [
    init,
    { type: "load-model", model: { kind: "seeded", vocabSize: 2000, eosTokenId: 2 } },
    {
      type: "start",
      runId: "r",
      examples: [{ inputIds: [5, 6, 7, 1, 10, 11, 2], labels: [-100, -100, -100, -100, 10, 11, 2] }],
      prompts: [{ kind: "train", inputIds: [5, 6, 7, 1] }],
      // The table's defaults under what this run sets, so a setting added to the table needs no edit here.
      settings: {
        ...NOTEBOOK_TRAINING,
        epochs: 1,
        maxSteps: plan.maxSteps,
        learningRate: 5e-3,
        batchSize: 1,
        maxSeqLength: 512,
        packing: "none",
        warmupSteps: 0,
        saveSteps: 0,
        seed: 1,
        generateEvery: plan.generateEvery,
        maxNewTokens: 3,
        lora: { r: 8, loraAlpha: 16, loraDropout: 0, targetModules: ["all-linear"], useRslora: false, trainNewTokenRows: false },
      },
      stopIds: [2],
      newTokenIds: [],
    },
  ];
}

/**
 * Posts `messages` to a fresh worker (the fault worker when `fault` is given); resolves once the run
 * ended, or with `endOn: "error"` once a request was refused.
 */
export async function driveUntilRunEnds(
  page: Page,
  messages: ToWorker[],
  fault?: InjectedFault,
  endOn: "run-end" | "error" = "run-end",
): Promise<FromWorker[]> {
  await page.goto("/e2e/harness/worker.html");
  await expect(page.locator("body[data-ready=true]")).toBeAttached();
  // Messages go to the page as JSON; the harness posts them to the worker as they are.
  const payload = JSON.parse(JSON.stringify(messages)) as unknown[];
  return page.evaluate(
    ({ payload, fault, endOn }) =>
      window.driveWorker(
        payload as ToWorker[],
        (m) => (endOn === "error" ? m.type === "error" : m.type === "run-state" && (m.state === "failed" || m.state === "finished")),
        120_000,
        fault,
      ),
    { payload, fault, endOn },
  );
}
