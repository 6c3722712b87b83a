// The synthetic step's data, shared by the Node bench (bench/engine.ts) and the page bench's harness
// (e2e/harness/benchHarness.ts): browser-safe, no Node or engine imports beyond core's types.
import { IGNORE_INDEX, type TrainExample } from "../src/core/types";

/** What syntheticExamples needs of a step's shape (bench/engine.ts's StepShape). */
export interface ExampleShape {
  examples: number;
  tokens: number;
  trained: number;
}

/** `shape.examples` random sequences of `shape.tokens` ids below `vocabSize`, the last `shape.trained` of each trained. */
export function syntheticExamples(rng: { next(): number }, shape: ExampleShape, vocabSize: number): TrainExample[] {
  return Array.from({ length: shape.examples }, () => {
    const ids = Array.from({ length: shape.tokens }, () => Math.floor(rng.next() * vocabSize));
    return { inputIds: ids, labels: ids.map((id, i) => (i < shape.tokens - shape.trained ? IGNORE_INDEX : id)) };
  });
}

/** Width of a head in a `--narrow` model: small enough for SwiftShader, a multiple of 4 for vectorised kernels. */
const NARROW_HEAD_DIM = 8;

/**
 * A config.json with the model's depth, heads (query and key/value), vocabulary and tying kept and
 * its widths shrunk (heads of NARROW_HEAD_DIM, the MLP twice the hidden size): the page bench's
 * `--narrow`. The kernels and GPU dispatches a step runs depend on the layout, not the widths.
 */
export function narrowConfig(config: Record<string, unknown>): Record<string, unknown> {
  const heads = Number(config.num_attention_heads ?? config.n_head);
  const hidden = heads * NARROW_HEAD_DIM;
  const out: Record<string, unknown> = { ...config, hidden_size: hidden };
  if (config.intermediate_size !== undefined) out.intermediate_size = 2 * hidden;
  if (config.head_dim !== undefined) out.head_dim = NARROW_HEAD_DIM;
  return out;
}

/**
 * A page's init script (Playwright's addInitScript) that counts every WebGPU compute dispatch and
 * queue submit into window.__gpuCounts, by wrapping the prototypes before the page's first script;
 * the GPU bench runs it in Node on Dawn's classes (globalThis there).
 */
export const GPU_COUNTERS = `(() => {
  const counts = { dispatches: 0, submits: 0 };
  globalThis.__gpuCounts = counts;
  const wrap = (proto, name, key) => {
    const f = proto && proto[name];
    if (typeof f !== "function") return;
    proto[name] = function (...args) { counts[key]++; return f.apply(this, args); };
  };
  wrap(globalThis.GPUComputePassEncoder?.prototype, "dispatchWorkgroups", "dispatches");
  wrap(globalThis.GPUComputePassEncoder?.prototype, "dispatchWorkgroupsIndirect", "dispatches");
  wrap(globalThis.GPUQueue?.prototype, "submit", "submits");
})();`;
