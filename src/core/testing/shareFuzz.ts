// Hostile share hashes, seeded and bounded: random bytes, truncations, bit flips, prototype keys,
// LZ bombs, huge arrays and numeric edges. The fuzz test checks every one is decided safely;
// `npm run bench` times them.
import lzString from "lz-string";
import { DEFAULT_STATE, type PlaygroundSnapshot } from "../playgroundState";

const { compressToEncodedURIComponent } = lzString;

export interface FuzzCase {
  kind: string;
  hash: string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$";

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hashOfText = (json: string) => `#v1=${compressToEncodedURIComponent(json)}`;
const hashOf = (value: unknown) => hashOfText(JSON.stringify(value));

const RICH: PlaygroundSnapshot = {
  ...DEFAULT_STATE,
  examples: [
    ...DEFAULT_STATE.examples,
    {
      id: "ü🐕",
      turns: [
        { role: "system", content: "sé breve ✓" },
        { role: "user", content: "¿?" },
        { role: "assistant", content: "🙂" },
      ],
    },
  ],
  masking: {
    ...DEFAULT_STATE.masking,
    strategy: "completion-only",
    responseTemplate: { ids: [271, 14374] },
    instructionTemplate: { text: "### Human:" },
  },
  model: { kind: "hub", id: "Qwen/Qwen3-0.6B", revision: "main" },
};

/** Raw JSON number texts that JSON.stringify cannot write: 1e309 parses to Infinity, 1e-400 to 0. */
const NUMERIC_EDGES = ["1e309", "-1e309", "-0", "1e-400", "0.1e1", "9007199254740993", "-1", "0", "1e6", "2147483648", "1.5"];
const STRING_EDGES = ['"NaN"', '"Infinity"', '"-0"', '"1e309"', '"0x10"', '""', "null", "true", "[]", "{}", '"１"'];
// The last two are the same keys behind JSON escapes, which JSON.parse decodes.
const PROTO_KEYS = ["__proto__", "constructor", "prototype", "\\u005f_proto__", "construct\\u006fr"];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function randomText(random: () => number, length: number, chars: string): string {
  let out = "";
  for (let i = 0; i < length; i++) out += chars[Math.floor(random() * chars.length)];
  return out;
}

/** Any UTF-16 code unit, lone surrogates and "%" included. */
function randomUnits(random: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += random() < 0.1 ? "%" : String.fromCharCode(Math.floor(random() * 0x10000));
  return out;
}

/** Every number in a JSON text replaced, one at a time chosen at random, by an edge value. */
function withNumericEdge(random: () => number, json: string): string {
  const numbers = [...json.matchAll(/(?<=[:[,])-?\d+(\.\d+)?(e-?\d+)?/g)];
  if (numbers.length === 0) return json;
  const m = pick(random, numbers);
  const edge = random() < 0.6 ? pick(random, NUMERIC_EDGES) : pick(random, STRING_EDGES);
  return json.slice(0, m.index) + edge + json.slice((m.index ?? 0) + m[0].length);
}

/** A prototype key inserted into a random object of the JSON text. */
function withProtoKey(random: () => number, json: string): string {
  const opens = [...json.matchAll(/\{/g)];
  const at = (pick(random, opens).index ?? 0) + 1;
  const key = pick(random, PROTO_KEYS);
  const value = pick(random, ['{"polluted":true}', "1", '{"prototype":{"polluted":true}}', "null"]);
  return `${json.slice(0, at)}"${key}":${value}${json[at] === "}" ? "" : ","}${json.slice(at)}`;
}

function hugeCases(scale: number): FuzzCase[] {
  const S = DEFAULT_STATE;
  const n = (count: number) => Math.round(count * scale);
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  return [
    { kind: "huge array", hash: hashOf({ ...S, examples: Array(n(500_000)).fill(1) }) },
    { kind: "huge array", hash: hashOf({ ...S, examples: Array(n(40_000)).fill({ id: "", turns: [] }) }) },
    { kind: "huge array", hash: hashOf({ ...S, masking: { ...S.masking, responseTemplate: { ids: Array(n(300_000)).fill(-1) } } }) },
    { kind: "huge array", hash: hashOf({ ...S, masking: { ...S.masking, responseTemplate: { ids: Array(n(250_000)).fill(1.5) } } }) },
    { kind: "huge array", hash: hashOf({ ...S, examples: [{ id: "a", turns: Array(n(35_000)).fill({ role: "x", content: "" }) }] }) },
    { kind: "huge array", hash: hashOf({ ...S, masking: { ...S.masking, addedSpecialTokens: Array(n(300_000)).fill("") } }) },
    {
      kind: "huge array",
      hash: hashOf({ ...S, training: { ...S.training, lora: { ...S.training.lora, targetModules: Array(n(500_000)).fill(1) } } }),
    },
    { kind: "huge object", hash: hashOf({ ...S, ...Object.fromEntries(Array.from({ length: n(20_000) }, (_, i) => [`k${i}`, i])) }) },
    { kind: "huge key", hash: hashOf({ ...S, ["k".repeat(n(200_000))]: 1 }) },
    { kind: "huge string", hash: hashOf({ ...S, model: { kind: "hub", id: "a".repeat(n(300_000)), revision: "main" } }) },
    { kind: "deep nesting", hash: hashOfText(deep(100_000)) },
    { kind: "deep nesting", hash: hashOfText(JSON.stringify({ ...S, holdout: 0 }).replace('"holdout":0', `"holdout":${deep(5_000)}`)) },
    { kind: "lz bomb", hash: hashOfText("abcdefghij".repeat(110_000)) },
    { kind: "huge array", hash: hashOfText(`[${"0,".repeat(n(500_000))}0]`) },
    { kind: "version", hash: `#v${"9".repeat(200_000)}=abc` },
    { kind: "version", hash: `#v1=${"A".repeat(200_000)}` },
  ];
}

/**
 * `count` random cases after the fixed huge ones; the same seed gives the same cases. `scale`
 * sizes the huge ones: 1 is the 250k–500k entries (an LZ bomb just over the 1 MiB cap);
 * the unit test uses less, as compressing them is what takes the time.
 */
export function shareFuzzCases(seed: number, count: number, scale = 1): FuzzCase[] {
  const random = seededRandom(seed);
  const validJson = [JSON.stringify(DEFAULT_STATE), JSON.stringify(RICH)];
  const validHashes = validJson.map(hashOfText);
  const cases = hugeCases(scale);
  const makers: Array<() => FuzzCase> = [
    () => ({ kind: "random alphabet", hash: `#v1=${randomText(random, Math.floor(random() * 6000), ALPHABET)}` }),
    () => ({ kind: "random units", hash: `#v1=${randomUnits(random, Math.floor(random() * 300))}` }),
    () => ({ kind: "random prefix", hash: randomUnits(random, Math.floor(random() * 12)) + pick(random, validHashes) }),
    () => {
      const h = pick(random, validHashes);
      return { kind: "truncation", hash: h.slice(0, Math.floor(random() * h.length)) };
    },
    () => {
      const h = [...pick(random, validHashes)];
      const flips = 1 + Math.floor(random() * 5);
      for (let i = 0; i < flips; i++) h[4 + Math.floor(random() * (h.length - 4))] = pick(random, [...ALPHABET]);
      return { kind: "bit flip", hash: h.join("") };
    },
    () => ({ kind: "prototype key", hash: hashOfText(withProtoKey(random, pick(random, validJson))) }),
    () => ({ kind: "numeric edge", hash: hashOfText(withNumericEdge(random, pick(random, validJson))) }),
    () => {
      const json = pick(random, validJson);
      const at = Math.floor(random() * json.length);
      return { kind: "json cut", hash: hashOfText(json.slice(0, at) + randomText(random, 3, '{}[]",:0a')) };
    },
    () => ({
      kind: "version",
      hash: `#v${pick(random, ["01", "1.0", "-1", "1e0", "0", "2", " 1", "１", ""])}=${pick(random, validHashes).slice(4)}`,
    }),
    () => ({ kind: "percent-encoded", hash: `#v1=${encodeURIComponent(pick(random, validHashes).slice(4)).replace(/-/g, "%2")}` }),
  ];
  for (let i = 0; i < count; i++) cases.push(pick(random, makers)());
  return cases;
}
