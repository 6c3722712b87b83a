// Runs and adapters for the store's tests: a record of every field, two steps (the second with a NaN
// loss, as a failed run may hold), and a small adapter with recognisable bytes.
import { NOTEBOOK_TRAINING } from "../../core/playgroundState";
import type { RunRecord } from "../../store/runRecord";
import type { StoredAdapter } from "../runsPersistence";

export const testStep = (n: number) => ({
  step: n,
  totalSteps: 10,
  epoch: 1,
  loss: n === 2 ? Number.NaN : 1 / n,
  learningRate: 1e-3,
  gradNorm: 1,
  tokens: 3,
  tokensPerSecond: 10,
  inputTokens: 21,
  inputTokensPerSecond: 70,
  msPerStep: 5,
});

export function testRun(id: string, status: RunRecord["status"], createdAt = 1): RunRecord {
  return {
    id,
    createdAt,
    label: `run ${id}`,
    modelName: "m",
    strategy: "markers",
    backend: "webgpu",
    settings: NOTEBOOK_TRAINING,
    prompts: [{ kind: "train", question: "q", expected: "a" }],
    status,
    totalSteps: 10,
    trainableParameters: 5,
    steps: [testStep(1), testStep(2)],
    generations: [{ step: 0, texts: ["x"] }],
    wallMs: 1000,
    runningSince: status === "running" ? Date.now() - 500 : null,
    tokensTrained: 6,
    errors: [],
    adapterInWorker: true,
  };
}

/** A safetensors file of `bytes` bytes (an empty header, then recognisable data) with PEFT's config. */
export function testAdapter(bytes = 64, step = 2): StoredAdapter {
  const file = new Uint8Array(bytes).map((_, i) => i % 251);
  new DataView(file.buffer).setBigUint64(0, 2n, true);
  file.set([0x7b, 0x7d], 8); // "{}"
  return { configJson: '{"peft_type":"LORA","r":16}', safetensors: file.buffer, step };
}
