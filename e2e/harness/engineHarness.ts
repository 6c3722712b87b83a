// Runs the engine in the browser for e2e tests: fixture files are served under /__fixtures/ by a
// Playwright route (from test/fixtures; see test/fixtures/location.ts).
import * as tf from "@tensorflow/tfjs-core";
import { setBackend } from "../../src/engine/backend";
import { GELU, SWIGLU } from "../../src/engine/kernels/elementwise";
import { fusedDifference, headsOf, valueAndGrads, values } from "../../src/engine/kernels/compare.testutil";
import { hostRowAttention, ROW_ATTENTION } from "../../src/engine/kernels/rowAttention";
import { LORA_GROUP_DOWN, NORM_DOWN } from "../../src/engine/kernels/gpuLoraGroup";
import { ADAMW, SUM_OF_SQUARES } from "../../src/engine/kernels/adamw";
import { ADAMW_NORM, ADAMW_UPDATE } from "../../src/engine/kernels/gpuAdamW";
import { fusedKernelActive, setHostKernels } from "../../src/engine/kernels/host";
import { LAYER_NORM, NORM_INPUT_GRAD, RMS_NORM } from "../../src/engine/kernels/norms";
import {
  applyRope,
  attention,
  bloomGelu,
  layerNorm,
  loraGroup,
  normLinears,
  swiglu,
  loraLinear,
  normResidual,
  residualLinear,
  rmsNorm,
  ropeInvFreq,
  ropeRowTables,
  ropeTables,
  swigluProduct,
} from "../../src/engine/layers";
import { forward } from "../../src/engine/model";
import type { LayerContext } from "../../src/engine/modelTypes";
import { PEFT_LORA_DEFAULTS } from "../../src/core/settings/trainerDefaults";
import { AdamW, scheduleFactor } from "../../src/engine/optimizer";
import { createRandomModel, createSeededModel } from "../../src/engine/seededModel";
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
 * A few training steps of the bundled-architecture model (or a small random BLOOM): the same numbers on any backend.
 * `blockBytes`: the largest buffer the model's tensors may take, as a smaller device would allow
 * (the embedding then lives in row blocks, vocabBlocks.ts); null for the backend's own.
 */
async function trainSteps(
  backend: "webgpu" | "wasm" | "cpu",
  steps: number,
  blockBytes: number | null = null,
  family: "qwen3" | "bloom" = "qwen3",
) {
  await setBackend(backend);
  setBlockBytesLimit(blockBytes);
  const bloom = { architectures: ["BloomForCausalLM"], vocab_size: 2000, hidden_size: 64, n_layer: 2, n_head: 4, eos_token_id: 2 };
  const model = family === "bloom" ? createRandomModel(bloom, 7, { std: 0.1 }) : createSeededModel(2000, 2);
  const blocks = model.vocabBlocks.get(embeddingName(model.config))?.length ?? 1;
  const lora = createLora(model, { r: 8, lora_alpha: 16, target_modules: "all-linear" }, 1);
  const examples = [
    { inputIds: [5, 6, 7, 1, 10, 11, 2], labels: [-100, -100, -100, -100, 10, 11, 2] },
    { inputIds: [5, 8, 7, 1, 12, 2], labels: [-100, -100, -100, -100, 12, 2] },
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

/**
 * Kernels one training step runs (tf.profile's count, with a histogram by name): bloom-560m's 24
 * layers at small widths, as bench/engine.test.ts counts them on wasm.
 */
async function stepKernels(backend: "webgpu" | "wasm" | "cpu") {
  await setBackend(backend);
  const config = { architectures: ["BloomForCausalLM"], vocab_size: 1000, hidden_size: 64, n_layer: 24, n_head: 4 };
  const model = createRandomModel(config, 1, { std: 0.02 });
  const lora = createLora(model, { r: 8, lora_alpha: 8 }, 1);
  const ids = Array.from({ length: 20 }, (_, i) => (i * 37) % 1000);
  const examples = [{ inputIds: ids, labels: ids.map((id, i) => (i < 17 ? -100 : id)) }];
  const trainer = new Trainer(model, lora, examples, { learning_rate: 5e-5, max_steps: 3 });
  await trainer.step();
  const profile = await tf.profile(async () => {
    await trainer.step();
  });
  trainer.dispose();
  disposeLora(lora);
  disposeModel(model);
  const byName: Record<string, number> = {};
  for (const k of profile.kernels) byName[k.name] = (byName[k.name] ?? 0) + 1;
  return { backend: tf.getBackend(), kernels: profile.kernels.length, byName };
}

type KernelCase = [name: string, kernel: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], dispose: tf.Tensor[]];

/** The fused kernels' cases, their tensors made on the active backend. */
function kernelCases(): KernelCase[] {
  // BLOOM's attention on its fused rows, example 1 right-padded by two, against reshape, slice and attend.
  const [B, T, nH, d] = [2, 5, 4, 6];
  const bias = tf.tensor4d(
    Array.from({ length: B * T * T }, (_, i) => {
      const [b, t, j] = [Math.floor(i / (T * T)), Math.floor(i / T) % T, i % T];
      return j <= t && !(b === 1 && j >= T - 2) ? 0 : -1e9;
    }),
    [B, 1, T, T],
  );
  // Llama's rows: grouped-query heads (4 query heads on 2 key/value heads), rotary tables per
  // position or per batch row (packed rows' own positions), the same padded bias.
  const llama = { B, T, nH, nKV: 2, d };
  const invFreq = ropeInvFreq(d, 10000, { type: "default" });
  const tables = ropeTables(invFreq, 0, T);
  const rowTables = ropeRowTables(invFreq, [
    [0, 1, 2, 0, 1],
    [3, 4, 5, 6, 7],
  ]);
  const llamaRows = (rope: { cos: tf.Tensor2D; sin: tf.Tensor2D }) => (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
    fusedKernelActive(ROW_ATTENTION)
      ? hostRowAttention([q, k, v] as tf.Tensor2D[], bias, rope, llama)
      : tf.reshape(
          attention(
            applyRope(headsOf(q, [B, T, nH, d]), rope.cos, rope.sin),
            applyRope(headsOf(k, [B, T, 2, d]), rope.cos, rope.sin),
            headsOf(v, [B, T, 2, d]),
            bias,
          ),
          [B * T, nH * d],
        );
  const llamaInputs = () => [values([B * T, nH * d], 8), values([B * T, 2 * d], 9), values([B * T, 2 * d], 10)];
  // A LoRA linear (r 3, scaling 2) on a frozen [9, 10] weight, 7 rows: x, A, B and their gradients.
  const frozen = { w: values([9, 10], 11) as tf.Tensor2D, b: values([9], 12) };
  const lora = (withBias: boolean) => (x: tf.Tensor, a: tf.Tensor, b: tf.Tensor) =>
    loraLinear(x as tf.Tensor2D, a as tf.Variable, b as tf.Variable, 2, withBias ? frozen : { w: frozen.w });
  const loraInputs = () => [values([7, 10], 13), values([3, 10], 14), values([9, 3], 15)];
  // residual + the LoRA linear (its frozen weights, bias and adapter as a model's module), as a layer's output projection.
  const residualAfter = (x: tf.Tensor, a: tf.Tensor, b: tf.Tensor, residual: tf.Tensor) => {
    const path = "layer.o_proj";
    const ctx: LayerContext = {
      weights: new Map([
        [`${path}.weight`, frozen.w],
        [`${path}.bias`, frozen.b],
      ]),
      transposed: new Map(),
      leanBackward: false,
      lora: {
        config: { ...PEFT_LORA_DEFAULTS, trainNewTokenRows: null },
        scaling: 2,
        modules: new Map([[path, { A: a as tf.Variable, B: b as tf.Variable, index: 0 }]]),
        newTokenRows: null,
      },
      dropoutSeed: null,
    };
    return residualLinear(ctx, path, x as tf.Tensor2D, residual as tf.Tensor2D);
  };
  // LoRA linears reading one x, as one op on WebGPU: q/k/v-like (widths 9, 4, 4, biases) and gate/up-like
  // (two of width 6, no bias), r 3, scaling 2; the outputs side by side. Inputs x, the A's, the B's.
  // `inner` and `rows` past a tile of the tiled programs (64) take them through several tiles and steps.
  const groupFrozen = (widths: number[], inner: number) =>
    widths.map((out, j) => ({ w: values([out, inner], 30 + j) as tf.Tensor2D, b: values([out], 40 + j) }));
  const smallFrozen = groupFrozen([9, 4, 4], 10);
  const group =
    (widths: number[], withBias: boolean, frozenWeights = smallFrozen) =>
    (x: tf.Tensor, ...ab: tf.Tensor[]) =>
      tf.concat(
        loraGroup(
          x as tf.Tensor2D,
          widths.map((_, j) => ({
            A: ab[j] as tf.Variable,
            B: ab[widths.length + j] as tf.Variable,
            f: withBias ? frozenWeights[j] : { w: frozenWeights[j].w },
          })),
          2,
        ),
        1,
      );
  const groupInputs = (widths: number[], inner = 10, rows = 7) => [
    values([rows, inner], 50),
    ...widths.map((_, j) => values([3, inner], 51 + j)),
    ...widths.map((out, j) => values([out, 3], 55 + j)),
  ];
  const largeFrozen = groupFrozen([70, 20, 20], 130);
  // The norm's weights, frozen as LoRA leaves them (the tape asks for no gradient of theirs): RMSNorm's, LayerNorm's.
  const normWeightsOf = (width: number, centred: boolean) => [values([width], 60), ...(centred ? [values([width], 61)] : [])];
  const [rmsWeights, layerWeights] = [normWeightsOf(130, false), normWeightsOf(130, true)];
  // The norm and the LoRA linears after it (normLinears: on WebGPU the norm and DOWN in one program),
  // the outputs and the residual stream side by side. Inputs x, the A's, the B's.
  const normThenLinears =
    (widths: number[], centred: boolean) =>
    (x: tf.Tensor, ...ab: tf.Tensor[]) => {
      const normWeights = centred ? layerWeights : rmsWeights;
      const paths = widths.map((_, j) => `layer.proj${j}`);
      const ctx: LayerContext = {
        // Biases with LayerNorm (BLOOM's linears have them), none with RMSNorm (Llama's).
        weights: new Map(
          paths.flatMap((p, j) => [
            [`${p}.weight`, largeFrozen[j].w] as const,
            ...(centred ? [[`${p}.bias`, largeFrozen[j].b] as const] : []),
          ]),
        ),
        transposed: new Map(),
        leanBackward: false,
        lora: {
          config: { ...PEFT_LORA_DEFAULTS, trainNewTokenRows: null },
          scaling: 2,
          modules: new Map(paths.map((p, j) => [p, { A: ab[j] as tf.Variable, B: ab[widths.length + j] as tf.Variable, index: j }])),
          newTokenRows: null,
        },
        dropoutSeed: null,
      };
      const { outs, residual } = normLinears(ctx, x as tf.Tensor2D, normWeights, 1e-5, paths);
      return tf.concat([...outs, residual], 1);
    };
  // Llama's MLP with its norm (on WebGPU one op: the gating in gate/up's program and its gradient in
  // down's): hidden 130, intermediate 70, 70 rows. Inputs x, then A and B of gate, up, down (the norm's weight frozen).
  // Weights (and A, B) a tenth of values()' scale, as a model's are: the gating multiplies two products of 130 terms.
  const mlpFrozen = [values([70, 130], 62), values([70, 130], 63), values([130, 70], 64)].map((w) => tf.mul(w, 0.1));
  const mlp = (x: tf.Tensor, ...ab: tf.Tensor[]) => {
    const paths = ["gate_proj", "up_proj", "down_proj"].map((n) => `mlp.${n}`);
    const ctx: LayerContext = {
      weights: new Map(paths.map((p, j) => [`${p}.weight`, mlpFrozen[j]])),
      transposed: new Map(),
      leanBackward: false,
      lora: {
        config: { ...PEFT_LORA_DEFAULTS, trainNewTokenRows: null },
        scaling: 2,
        modules: new Map(paths.map((p, j) => [p, { A: ab[2 * j] as tf.Variable, B: ab[2 * j + 1] as tf.Variable, index: j }])),
        newTokenRows: null,
      },
      dropoutSeed: null,
    };
    return swiglu(ctx, "mlp", x as tf.Tensor2D, rmsWeights, 1e-5);
  };
  const mlpInputs = () => [
    values([70, 130], 65),
    ...[
      [130, 70],
      [130, 70],
      [70, 130],
    ].flatMap(([inner, out], j) => [values([3, inner], 67 + j), values([out, 3], 70 + j)].map((t) => tf.mul(t, 0.1))),
  ];
  // The norms' own cases: frozen weights for rows of 200, 4 (per head), 130 and 12 (longer and shorter than a workgroup).
  const [w200, w4, w70] = [values([200], 2), values([4], 4), values([70], 22)];
  const [ln130, ln12] = [
    [values([130], 6), values([130], 7)],
    [values([12], 6), values([12], 7)],
  ];
  const bloomHeads = (qkv: tf.Tensor) =>
    [0, 1, 2].map((part) => headsOf(qkv, [B, T, nH, d], part, 3)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  return [
    ["RMSNorm, rows of 200", RMS_NORM, (x) => rmsNorm(x, w200, 1e-5), [values([6, 200], 1)], [w200]],
    ["RMSNorm per head", RMS_NORM, (x) => rmsNorm(x, w4, 1e-6), [values([1, 3, 2, 4], 3)], [w4]],
    ["LayerNorm, rows of 130", LAYER_NORM, (x) => layerNorm(x, ln130[0], ln130[1], 1e-5), [values([5, 130], 5)], ln130],
    ["LayerNorm, rows of 12", LAYER_NORM, (x) => layerNorm(x, ln12[0], ln12[1], 1e-5), [values([5, 12], 5)], []],
    // The norm and the residual stream side by side: x's gradient sums both (on WebGPU in the norm's program).
    [
      "RMSNorm with its residual stream",
      NORM_INPUT_GRAD,
      (x) => tf.concat(normResidual(x as tf.Tensor2D, [w70], 1e-5), 1),
      [values([6, 70], 21)],
      [w70],
    ],
    [
      "LayerNorm with its residual stream",
      NORM_INPUT_GRAD,
      (x) => tf.concat(normResidual(x as tf.Tensor2D, ln12, 1e-5), 1),
      [values([5, 12], 23)],
      ln12,
    ],
    ["BLOOM's GELU", GELU, (x) => bloomGelu(x), [values([3, 9], 4)], []],
    ["SwiGLU", SWIGLU, (g, u) => swigluProduct(g, u), [values([4, 7], 2), values([4, 7], 3)], []],
    [
      "row attention, BLOOM's rows",
      ROW_ATTENTION,
      (qkv) =>
        fusedKernelActive(ROW_ATTENTION)
          ? hostRowAttention([qkv as tf.Tensor2D], bias, null, { B, T, nH, nKV: nH, d })
          : tf.reshape(attention(...bloomHeads(qkv), bias), [B * T, nH * d]),
      [values([B * T, nH * 3 * d], 4)],
      [],
    ],
    [
      "LoRA linear with the residual after it",
      LORA_GROUP_DOWN,
      (x, a, b, residual) => residualAfter(x, a, b, residual),
      [...loraInputs(), values([7, 9], 16)],
      [],
    ],
    ["LoRA linear with a bias", LORA_GROUP_DOWN, lora(true), loraInputs(), [frozen.b]],
    ["LoRA linear", LORA_GROUP_DOWN, lora(false), loraInputs(), [frozen.w]],
    ["LoRA group of three (q/k/v: widths 9, 4, 4, biases)", LORA_GROUP_DOWN, group([9, 4, 4], true), groupInputs([9, 4, 4]), []],
    [
      "LoRA group of two (gate/up, no bias)",
      LORA_GROUP_DOWN,
      group([9, 4], false),
      groupInputs([9, 4]),
      smallFrozen.flatMap((f) => [f.w, f.b]),
    ],
    [
      "LoRA group of three past a tile (70 rows, 130 in, widths 70, 20, 20, biases)",
      LORA_GROUP_DOWN,
      group([70, 20, 20], true, largeFrozen),
      groupInputs([70, 20, 20], 130, 70),
      [],
    ],
    [
      "LoRA group of three past a tile, no bias (two members a dispatch, then one added in place)",
      LORA_GROUP_DOWN,
      group([70, 20, 20], false, largeFrozen),
      groupInputs([70, 20, 20], 130, 70),
      [],
    ],
    [
      "RMSNorm then a LoRA group of two (the norm and DOWN in one program), with the residual stream",
      NORM_DOWN,
      normThenLinears([70, 20], false),
      groupInputs([70, 20], 130, 70),
      [],
    ],
    [
      "LayerNorm then a LoRA linear with a bias, with the residual stream",
      NORM_DOWN,
      normThenLinears([70], true),
      groupInputs([70], 130, 70),
      [...largeFrozen.flatMap((f) => [f.w, f.b]), ...layerWeights],
    ],
    ["Llama's MLP with its norm (SwiGLU between the LoRA linears)", NORM_DOWN, mlp, mlpInputs(), [...mlpFrozen, ...rmsWeights]],
    ["row attention, Llama's rows (GQA, rotary, padded)", ROW_ATTENTION, llamaRows(tables), llamaInputs(), [tables.cos, tables.sin]],
    [
      "row attention, Llama's packed rows (per-row rotary)",
      ROW_ATTENTION,
      llamaRows(rowTables),
      llamaInputs(),
      [rowTables.cos, rowTables.sin, bias],
    ],
  ];
}

/**
 * The fused kernels on `backend` (on webgpu, src/engine/kernels/gpu.ts's programs) against the plain
 * tfjs path on the cpu backend: each case's largest difference in value and in its inputs' gradients.
 */
async function fusedKernels(backend: "webgpu" | "cpu") {
  await setBackend("cpu");
  const references = [];
  for (const [, , f, inputs, extra] of kernelCases()) {
    references.push(await valueAndGrads(f, inputs, false));
    tf.dispose([...inputs, ...extra]);
  }
  await setBackend(backend);
  const results = [];
  for (const [i, [name, kernel, f, inputs, extra]] of kernelCases().entries()) {
    results.push({ name, active: fusedKernelActive(kernel), ...(await fusedDifference(f, inputs, references[i])) });
    tf.dispose([...inputs, ...extra]);
  }
  return { backend: tf.getBackend(), results };
}

/**
 * Four AdamW steps (decay, clipping on one) with the fused kernels on and off: the largest difference
 * in the parameters and in the global gradient norms, and how far the parameters moved.
 */
async function fusedAdamW(backend: "webgpu" | "cpu") {
  await setBackend(backend);
  const run = async (fused: boolean) => {
    setHostKernels(fused);
    // Nine tensors: more than one dispatch of the WebGPU update's seven, one longer than a workgroup.
    const shapes = [[2, 3], [40], [1, 1], [3, 30], [5], [70], [2, 2], [4, 9], [7]];
    const vars = shapes.map((shape, i) => tf.variable(values(shape, i + 1), true));
    const start = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
    const options = { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-6, weightDecay: 0.1 };
    let opt = new AdamW(vars, options);
    const norms: number[] = [];
    for (let step = 0; step < 4; step++) {
      if (step === 2) {
        // The state saved and restored into a new optimizer, as a checkpoint's resume does.
        const state = await opt.saveState();
        opt.dispose();
        opt = new AdamW(vars, options);
        opt.loadState(state);
      }
      const grads = vars.map((v, i) => tf.tidy(() => tf.sin(tf.add(tf.mul(v, 3 + i), step))));
      const norm = opt.gradientNorm(grads);
      norms.push((await norm.data())[0]);
      norm.dispose();
      opt.step(grads, 0.05 * scheduleFactor("linear", step, { warmupSteps: 1, totalSteps: 4 }), step === 2 ? 0.5 : 1);
      tf.dispose(grads);
    }
    const end = await Promise.all(vars.map(async (v) => Array.from(await v.data())));
    opt.dispose();
    tf.dispose(vars);
    setHostKernels(true);
    return { norms, start: start.flat(), end: end.flat() };
  };
  const [fused, composed] = [await run(true), await run(false)];
  const worst = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
  const kernels = backend === "webgpu" ? [ADAMW_UPDATE, ADAMW_NORM] : [ADAMW, SUM_OF_SQUARES];
  return {
    active: kernels.every((k) => fusedKernelActive(k)),
    params: worst(fused.end, composed.end),
    norms: worst(fused.norms, composed.norms),
    moved: worst(fused.end, fused.start),
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
    stepKernels: typeof stepKernels;
    fusedKernels: typeof fusedKernels;
    fusedAdamW: typeof fusedAdamW;
  }
}
window.runForward = runForward;
window.trainSteps = trainSteps;
window.wasmThreads = wasmThreads;
window.stepKernels = stepKernels;
window.fusedKernels = fusedKernels;
window.fusedAdamW = fusedAdamW;
document.body.dataset.ready = "true";
