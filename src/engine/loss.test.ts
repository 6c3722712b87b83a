// The frozen-head loss (its backward written by hand for the wasm backend's matmul packing: with the
// head transposed once or not, lean or not) and the loss over a head in row blocks give the
// automatic path's loss and gradients, on cpu.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { setBackend } from "./backend";
import type { FrozenLinear } from "./layers";
import { causalLmLossFromHidden } from "./loss";
import { setBlockBytesLimit } from "./vocabBlocks";

beforeAll(() => setBackend("cpu"));

const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);

describe("causalLmLossFromHidden with a frozen head", () => {
  it("matches the automatic gradient: loss and d loss / d hidden", () => {
    const [rows, H, V] = [7, 5, 11];
    const hidden = tf.tensor2d(values(rows * H, 1), [rows, H]);
    const head = tf.tensor2d(values(V * H, 2), [V, H]);
    // Two examples of 4 and 3 positions (7 hidden rows); the loss counts 3 of them.
    const labels = [
      [-100, 3, 4, -100],
      [-100, -100, 10],
    ];
    const headT = tf.transpose(head) as tf.Tensor2D;
    const lossAndGrad = (frozen: FrozenLinear | null) =>
      tf.valueAndGrad((h: tf.Tensor) => causalLmLossFromHidden(h as tf.Tensor2D, { blocks: [head], frozen }, labels))(hidden);
    const auto = lossAndGrad(null);
    for (const fast of [lossAndGrad({ w: head }), lossAndGrad({ w: head, wT: headT }), lossAndGrad({ w: head, lean: "in-place" })]) {
      expect(fast.value.dataSync()[0]).toBeCloseTo(auto.value.dataSync()[0], 6);
      const [a, b] = [auto.grad.dataSync(), fast.grad.dataSync()];
      expect(b.length).toBe(rows * H);
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
      expect(Math.max(...Array.from(a, Math.abs))).toBeGreaterThan(0);
      tf.dispose([fast.value, fast.grad]);
    }
    tf.dispose([hidden, head, headT, auto.value, auto.grad]);
  });

  it("is the same over a head in row blocks, also when the counted rows are taken one at a time", () => {
    const [rows, H, V] = [7, 5, 11];
    const hidden = tf.tensor2d(values(rows * H, 3), [rows, H]);
    const head = tf.tensor2d(values(V * H, 4), [V, H]);
    const labels = [[-100, 3, 4, 10, -100, 0, 7]];
    const blocks = [tf.slice(head, [0, 0], [4, H]), tf.slice(head, [4, 0], [4, H]), tf.slice(head, [8, 0], [3, H])] as tf.Tensor2D[];
    const loss = (x: tf.Tensor, bs: tf.Tensor[]) =>
      causalLmLossFromHidden(x as tf.Tensor2D, { blocks: bs as tf.Tensor2D[], frozen: null }, labels);
    const whole = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) => loss(x, [w]))([hidden, head]);
    for (const chunkBytes of [null, 4 * 4]) {
      setBlockBytesLimit(chunkBytes); // 16 bytes: logits of one row of a 4-row block at a time
      const split = tf.valueAndGrads((x: tf.Tensor, ...bs: tf.Tensor[]) => loss(x, bs))([hidden, ...blocks]);
      setBlockBytesLimit(null);
      expect(split.value.dataSync()[0]).toBeCloseTo(whole.value.dataSync()[0], 6);
      const dHidden = [whole.grads[0].dataSync(), split.grads[0].dataSync()];
      dHidden[0].forEach((x, i) => expect(dHidden[1][i]).toBeCloseTo(x, 6));
      const dHead = [whole.grads[1].dataSync(), tf.concat(split.grads.slice(1)).dataSync()];
      dHead[0].forEach((x, i) => expect(dHead[1][i]).toBeCloseTo(x, 6));
      expect(Math.max(...Array.from(dHead[0], Math.abs))).toBeGreaterThan(0);
    }
  });
});
