// The logits processors against test/fixtures/sampling/reference.json: the same processors written
// with PyTorch ops as transformers applies them (reference.py), on the same 12 logits.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_GENERATION } from "../core/settings/generationSettings";
import {
  applyRepetitionPenalty,
  applyTemperature,
  applyTopK,
  applyTopP,
  argmax,
  drawIndex,
  Sampler,
  softmax,
  type SamplingSettings,
} from "./sampling";

interface Reference {
  scores: number[];
  sequence: number[];
  [processed: string]: Array<number | null>;
}
const ref = JSON.parse(readFileSync(new URL("../../test/fixtures/sampling/reference.json", import.meta.url), "utf8")) as Reference;

/** -inf written as null in JSON. */
const expected = (name: string) => ref[name].map((v) => (v === null ? -Infinity : v));
const scores = () => Float32Array.from(ref.scores);

function expectScores(actual: Float32Array, want: number[]) {
  expect(actual.length).toBe(want.length);
  actual.forEach((v, i) => {
    if (want[i] === -Infinity) expect(v, `position ${i}`).toBe(-Infinity);
    else expect(v, `position ${i}`).toBeCloseTo(want[i], 5);
  });
}

describe("logits processors (transformers' semantics, PyTorch reference)", () => {
  it("RepetitionPenaltyLogitsProcessor divides positive and multiplies negative logits of seen ids, once per id", () => {
    const s = scores();
    applyRepetitionPenalty(s, ref.sequence, 1.3);
    expectScores(s, expected("repetition_penalty_1_3"));
  });

  it("TemperatureLogitsWarper divides every logit", () => {
    const s = scores();
    applyTemperature(s, 0.7);
    expectScores(s, expected("temperature_0_7"));
  });

  it("TopKLogitsWarper keeps the k largest", () => {
    const s = scores();
    applyTopK(s, 4);
    expectScores(s, expected("top_k_4"));
  });

  it("TopPLogitsWarper keeps the smallest set reaching top_p, at least one token", () => {
    for (const [p, name] of [
      [0.8, "top_p_0_8"],
      [0.3, "top_p_0_3"],
    ] as const) {
      const s = scores();
      applyTopP(s, p);
      expectScores(s, expected(name));
    }
  });

  it("the sampling order (penalty, temperature, top-k, top-p) and the probabilities drawn from", () => {
    const s = scores();
    applyRepetitionPenalty(s, ref.sequence, 1.2);
    applyTemperature(s, 0.8);
    applyTopK(s, 6);
    applyTopP(s, 0.9);
    expectScores(s, expected("pipeline"));
    softmax(s).forEach((p, i) => expect(p).toBeCloseTo(ref.pipeline_probs[i] as number, 6));
  });

  it("top_k keeps ties with the k-th value; 0 and ≥ vocabulary keep everything", () => {
    const tied = Float32Array.from([1, 3, 2, 2, 0]);
    applyTopK(tied, 2);
    expect([...tied]).toEqual([-Infinity, 3, 2, 2, -Infinity]);
    for (const k of [0, 12, 20]) {
      const s = scores();
      applyTopK(s, k);
      expect([...s]).toEqual([...scores()]);
    }
  });

  it("top_p = 1 and penalty = 1 change nothing", () => {
    const s = scores();
    applyTopP(s, 1);
    applyRepetitionPenalty(s, ref.sequence, 1);
    expect([...s]).toEqual([...scores()]);
  });
});

describe("drawing", () => {
  it("drawIndex inverts the cumulative distribution and skips impossible tokens", () => {
    const probs = Float64Array.from([0.2, 0, 0.5, 0.3]);
    expect(drawIndex(probs, 0)).toBe(0);
    expect(drawIndex(probs, 0.19)).toBe(0);
    expect(drawIndex(probs, 0.2)).toBe(2);
    expect(drawIndex(probs, 0.69)).toBe(2);
    expect(drawIndex(probs, 0.71)).toBe(3);
    expect(drawIndex(Float64Array.from([0.5, 0.4999999, 0]), 0.99999999)).toBe(1);
  });

  it("argmax takes the first of equal maxima", () => {
    expect(argmax([1, 4, 4, 2])).toBe(1);
  });

  const settings = (over: Partial<SamplingSettings>): SamplingSettings => ({ ...DEFAULT_GENERATION, ...over });

  it("greedy applies the repetition penalty but no warper", () => {
    // Seen ids 0, 3, 7 hold the three largest logits (3.08, 1.14, 1.68). Penalty 3: 1.03, 0.38, 0.56, so
    // id 0 stays first above unseen id 6's 0.81 (and temperature / top_k, not applied, would not change it).
    // Penalty 10: 0.31, 0.11, 0.17, so unseen id 6 wins.
    const s = scores();
    const greedy = new Sampler(settings({ repetitionPenalty: 3, temperature: 0.01, topK: 1 }));
    expect(greedy.next(s, ref.sequence)).toBe(0);
    const s2 = scores();
    expect(new Sampler(settings({ repetitionPenalty: 10 })).next(s2, ref.sequence)).toBe(6);
  });

  it("the same seed draws the same tokens; top_k = 1 always draws the argmax", () => {
    const draws = (seed: number) => {
      const sampler = new Sampler(settings({ doSample: true, seed, topK: 0 }));
      return Array.from({ length: 20 }, () => sampler.next(scores(), []));
    };
    expect(draws(7)).toEqual(draws(7));
    expect(new Set(draws(7)).size).toBeGreaterThan(1);
    const top1 = new Sampler(settings({ doSample: true, topK: 1, seed: 3 }));
    for (let i = 0; i < 10; i++) expect(top1.next(scores(), [])).toBe(argmax(ref.scores));
  });

  it("draw frequencies follow the processed probabilities", () => {
    // 20,000 draws: each frequency within 0.02 of its probability (4 standard deviations at p = 0.5 is 0.014).
    const sampler = new Sampler(settings({ doSample: true, temperature: 0.8, topK: 6, topP: 0.9, repetitionPenalty: 1.2, seed: 11 }));
    const counts = new Array<number>(ref.scores.length).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[sampler.next(scores(), ref.sequence)]++;
    counts.forEach((c, i) => expect(Math.abs(c / n - (ref.pipeline_probs[i] as number))).toBeLessThan(0.02));
  });
});
