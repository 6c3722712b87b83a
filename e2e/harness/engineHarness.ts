// Runs the engine in the browser for e2e tests: fixture files are served under /__fixtures/ by a
// Playwright route (from test/fixtures; see test/fixtures/location.ts).
import * as tf from "@tensorflow/tfjs-core";
import { setBackend } from "../../src/engine/backend";
import { forward } from "../../src/engine/model";
import { createSeededModel } from "../../src/engine/seededModel";
import { generateGreedy } from "../../src/engine/generate";
import { createLora, disposeLora } from "../../src/engine/lora";
import { Trainer } from "../../src/engine/trainer";
import "../../workers/wasm/wasmFiles";
import { setBlockBytesLimit } from "../../src/engine/vocabBlocks";
import { disposeModel, embeddingName, loadModelFromFiles } from "../../src/engine/weights";

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

async function runForward(fixture: string, backend: "webgpu" | "cpu", inputIds: number[]) {
  await setBackend(backend);
  const base = `/__fixtures/${fixture}`;
  const config = await (await fetchOk(`${base}/config.json`)).json();
  const weights = await (await fetchOk(`${base}/model.safetensors`)).blob();
  const model = await loadModelFromFiles(config, [{ name: "model.safetensors", source: weights }]);
  const logits = forward(model, [inputIds]);
  const values = (await logits.array()) as number[][][];
  logits.dispose();
  return { backend: tf.getBackend(), logits: values[0] };
}

/**
 * A few training steps of the bundled-architecture model: the same numbers on any backend.
 * `blockBytes`: the largest buffer the model's tensors may take, as a smaller device would allow
 * (the embedding then lives in row blocks, vocabBlocks.ts); null for the backend's own.
 */
async function trainSteps(backend: "webgpu" | "wasm" | "cpu", steps: number, blockBytes: number | null = null) {
  await setBackend(backend);
  setBlockBytesLimit(blockBytes);
  const model = createSeededModel(2000, 2);
  const blocks = model.vocabBlocks.get(embeddingName(model.config))?.length ?? 1;
  const lora = createLora(model, { r: 8, lora_alpha: 16, target_modules: "all-linear" }, 1);
  const examples = [
    { input_ids: [5, 6, 7, 1, 10, 11, 2], labels: [-100, -100, -100, -100, 10, 11, 2] },
    { input_ids: [5, 8, 7, 1, 12, 2], labels: [-100, -100, -100, -100, 12, 2] },
  ];
  const trainer = new Trainer(model, lora, examples, { learning_rate: 5e-3, max_steps: steps, per_device_train_batch_size: 2 });
  const results = [];
  while (!trainer.done) results.push(await trainer.step());
  const generated = await generateGreedy(model, [5, 6, 7, 1], { maxNewTokens: 3, eosTokenIds: [2], lora });
  trainer.dispose();
  disposeLora(lora);
  disposeModel(model);
  setBlockBytesLimit(null);
  return {
    backend: tf.getBackend(),
    blocks,
    losses: results.map((r) => r.loss),
    gradNorms: results.map((r) => r.gradNorm),
    generated,
    tensors: tf.memory().numTensors,
  };
}

/** The wasm backend's XNNPACK thread count here, and whether the page is cross-origin isolated (threads need it). */
async function wasmThreads() {
  await setBackend("wasm");
  const { getThreadsCount } = await import("@tensorflow/tfjs-backend-wasm");
  return { isolated: globalThis.crossOriginIsolated, threads: getThreadsCount() };
}

declare global {
  interface Window {
    runForward: typeof runForward;
    trainSteps: typeof trainSteps;
    wasmThreads: typeof wasmThreads;
  }
}
window.runForward = runForward;
window.trainSteps = trainSteps;
window.wasmThreads = wasmThreads;
document.body.dataset.ready = "true";
