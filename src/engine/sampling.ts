// Choosing the next token from one row of logits, with transformers' logits processors and warpers
// (transformers/generation/logits_process.py, read at v4.46): RepetitionPenaltyLogitsProcessor, then,
// when sampling, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper in that order, as
// GenerationMixin._get_logits_processor lists them; then softmax and one draw (torch.multinomial), or
// argmax when not sampling (greedy search applies the processors but not the warpers).
// Plain arrays, no tfjs: a row is read from the device once per token and processed here.
import type { GenerationSettings } from "../core/settings/generationSettings";
import { Rng } from "./rng";

/** What the decoder needs of the settings (max_new_tokens is the loop's, not the sampler's). */
export type SamplingSettings = Omit<GenerationSettings, "maxNewTokens">;

/**
 * RepetitionPenaltyLogitsProcessor: each token id already in the sequence (prompt and answer so far)
 * gets its logit divided by `penalty` when positive and multiplied by it when negative, so the
 * penalty always lowers its probability (the CTRL paper's rule, arXiv:1909.05858). Once per id.
 */
export function applyRepetitionPenalty(scores: Float32Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of new Set(seen)) {
    const s = scores[id];
    scores[id] = s < 0 ? s * penalty : s / penalty;
  }
}

/** TemperatureLogitsWarper: logits / temperature. */
export function applyTemperature(scores: Float32Array, temperature: number): void {
  if (temperature === 1) return;
  for (let i = 0; i < scores.length; i++) scores[i] /= temperature;
}

/**
 * TopKLogitsWarper: every logit below the k-th largest becomes -inf; ties with the k-th are kept
 * (its test is `scores < topk(scores, k).values[..., -1]`). k = 0 turns it off, as transformers adds
 * no top-k warper for top_k=0; k ≥ the vocabulary keeps everything.
 */
export function applyTopK(scores: Float32Array, k: number, minTokensToKeep = 1): void {
  const keep = Math.max(k, minTokensToKeep);
  if (k === 0 || keep >= scores.length) return;
  const kth = Float32Array.from(scores).sort()[scores.length - keep];
  for (let i = 0; i < scores.length; i++) if (scores[i] < kth) scores[i] = -Infinity;
}

/**
 * TopPLogitsWarper (nucleus sampling, arXiv:1904.09751): sorted ascending, the tokens whose cumulative
 * probability is ≤ 1 - top_p are removed, keeping at least `minTokensToKeep` of the most probable. So
 * the kept set is the smallest whose probability reaches top_p. top_p = 1 keeps everything.
 */
export function applyTopP(scores: Float32Array, topP: number, minTokensToKeep = 1): void {
  if (topP >= 1) return;
  // Tokens already at -inf (top-k's) have probability 0 and stay removed, so only the others are sorted.
  const live: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] !== -Infinity) live.push(i);
  live.sort((a, b) => scores[a] - scores[b]);
  const probs = softmax(Float32Array.from(live, (i) => scores[i]));
  let cumulative = 0;
  for (let j = 0; j < live.length - minTokensToKeep; j++) {
    cumulative += probs[j];
    if (cumulative > 1 - topP) break;
    scores[live[j]] = -Infinity;
  }
}

/** softmax in float64 (a float32 sum over a 150k vocabulary loses the small probabilities). */
export function softmax(scores: Float32Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    out[i] = scores[i] === -Infinity ? 0 : Math.exp(scores[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** The first index of the largest score (torch.argmax's tie rule). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

/** One draw from `probs` with a uniform `u` in [0, 1): the first index whose cumulative probability passes u. */
export function drawIndex(probs: Float64Array, u: number): number {
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] === 0) continue;
    last = i;
    cumulative += probs[i];
    if (u < cumulative) return i;
  }
  // Rounding left the sum just under 1 and u above it: the last possible token.
  return last;
}

/** Whether a row must be read from the device: greedy without a penalty is an argmax there. */
export function needsScores(s: SamplingSettings): boolean {
  return s.doSample || s.repetitionPenalty !== 1;
}

/** A seeded decoder: picks each next token from its logits and the sequence so far. */
export class Sampler {
  private readonly rng: Rng;

  constructor(private readonly settings: SamplingSettings) {
    this.rng = new Rng(settings.seed);
  }

  /** `scores` is modified in place. */
  next(scores: Float32Array, sequence: readonly number[]): number {
    const s = this.settings;
    applyRepetitionPenalty(scores, sequence, s.repetitionPenalty);
    if (!s.doSample) return argmax(scores);
    applyTemperature(scores, s.temperature);
    applyTopK(scores, s.topK);
    applyTopP(scores, s.topP);
    return drawIndex(softmax(scores), this.rng.next());
  }
}
