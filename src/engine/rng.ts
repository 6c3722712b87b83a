// A small seeded PRNG (mulberry32) so LoRA init, shuffling and dropout seeds are reproducible.
// It cannot reproduce torch's Mersenne-Twister/Philox streams, so runs are deterministic for a
// seed here but do not draw the same numbers as a PyTorch run with that seed.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /**
   * The generator's whole state, for a checkpoint: restoring it continues the same stream, as
   * transformers' _load_rng_state restores torch's and numpy's generators on resume_from_checkpoint.
   */
  get savedState(): number {
    return this.state;
  }

  /** A generator that continues from a saved state (not a seed: no mixing with the golden ratio). */
  static fromState(state: number): Rng {
    const rng = new Rng(1);
    rng.state = state >>> 0;
    return rng;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal via Box–Muller. */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A 31-bit integer, e.g. to seed tfjs ops. */
  int(): number {
    return Math.floor(this.next() * 2147483647);
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}
