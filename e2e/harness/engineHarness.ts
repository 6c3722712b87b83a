// Runs the engine in the browser for e2e tests: fixture files are served under /__fixtures/ by a
// Playwright route (they live outside the repo, in ../shared/fixtures).
import * as tf from "@tensorflow/tfjs-core";
import { setBackend } from "../../src/engine/backend";
import { forward } from "../../src/engine/model";
import { loadModelFromFiles } from "../../src/engine/weights";

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

declare global {
  interface Window {
    runForward: typeof runForward;
  }
}
window.runForward = runForward;
document.body.dataset.ready = "true";
