// The share link, the exported file and the autosave: round trips, and every kind of tampering
// rejected with a message that names the path.
import { compressToEncodedURIComponent } from "lz-string";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, type PlaygroundSnapshot } from "../playgroundState";
import {
  decodeShareHash,
  encodeShareHash,
  exportStateFile,
  importStateFile,
  MAX_SHARE_HASH_CHARS,
  parseAutosave,
  serializeAutosave,
  shareLinkFits,
} from "./codec";
import { decompressUriBounded } from "./lzBounded";
import { parseJsonSafely } from "./safeJson";

const custom: PlaygroundSnapshot = {
  ...DEFAULT_STATE,
  examples: [
    {
      id: "x",
      turns: [
        { role: "system", content: "sé breve ✓" },
        { role: "user", content: "q" },
        { role: "assistant", content: "r" },
      ],
    },
  ],
  formatting: { kind: "chat-template" },
  masking: {
    ...DEFAULT_STATE.masking,
    strategy: "completion-only",
    responseTemplate: { ids: [1, 2] },
    instructionTemplate: { text: "### Human:" },
  },
  model: { kind: "hub", id: "Qwen/Qwen3-0.6B", revision: "main" },
  training: { ...DEFAULT_STATE.training, lora: { ...DEFAULT_STATE.training.lora, targetModules: ["q_proj", "v_proj"] } },
};

const hashOf = (value: unknown, version = 1) => `#v${version}=${compressToEncodedURIComponent(JSON.stringify(value))}`;
const rejected = (r: ReturnType<typeof decodeShareHash>) => (r.ok ? "accepted" : r.error);

describe("share link", () => {
  it.each([
    ["default", DEFAULT_STATE],
    ["custom", custom],
  ] as const)("round-trips the %s state", (_n, state) => {
    const hash = encodeShareHash(state);
    expect(hash).toMatch(/^#v1=[A-Za-z0-9+\-$]+$/);
    expect(decodeShareHash(hash)).toEqual({ ok: true, state });
    expect(decodeShareHash(hash.slice(1))).toEqual({ ok: true, state });
  });

  it("the bounded decompressor agrees with lz-string", () => {
    for (const text of ["a", "hello hello hello", JSON.stringify(custom), "ñ🐦".repeat(300)]) {
      expect(decompressUriBounded(compressToEncodedURIComponent(text), 1e6)).toBe(text);
    }
  });

  it.each([
    ["bad base64", "#v1=abc*def", /unexpected character "\*" at position 4/],
    ["cut short", encodeShareHash(DEFAULT_STATE).slice(0, 60), /damaged|truncated|not valid JSON/],
    ["no version", "#state=abc", /expected "#v1=…"/],
    ["newer version", hashOf(DEFAULT_STATE, 2), /version 2 is not supported.*newer playground/],
    ["unknown field", hashOf({ ...DEFAULT_STATE, extra: 1 }), /\$: unknown field "extra"/],
    [
      "unknown nested field",
      hashOf({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, lora: { ...DEFAULT_STATE.training.lora, rank: 8 } } }),
      /\$\.training\.lora: unknown field "rank"/,
    ],
    [
      "mistyped field",
      hashOf({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, batchSize: "4" } }),
      /\$\.training\.batchSize: .*number/,
    ],
    [
      "out of range",
      hashOf({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, lora: { ...DEFAULT_STATE.training.lora, loraDropout: 1.5 } } }),
      /\$\.training\.lora\.loraDropout/,
    ],
    [
      "bad role",
      hashOf({ ...DEFAULT_STATE, examples: [{ id: "a", turns: [{ role: "function", content: "x" }] }] }),
      /\$\.examples\[0\]\.turns\[0\]\.role/,
    ],
    [
      "bad model id",
      hashOf({ ...DEFAULT_STATE, model: { kind: "hub", id: "../../etc/passwd", revision: "main" } }),
      /\$\.model\.id: expected a Hugging Face model id/,
    ],
    [
      "revision climbing out",
      hashOf({ ...DEFAULT_STATE, model: { kind: "hub", id: "a/b", revision: "main/../../x" } }),
      /\$\.model\.revision/,
    ],
    [
      "__proto__ key",
      `#v1=${compressToEncodedURIComponent(JSON.stringify(DEFAULT_STATE).replace('"holdout":', '"__proto__":{"polluted":1},"holdout":'))}`,
      /the key "__proto__" is not allowed/,
    ],
    [
      "constructor key",
      `#v1=${compressToEncodedURIComponent('{"constructor":{"prototype":{"x":1}}}')}`,
      /the key "(constructor|prototype)" is not allowed/,
    ],
    ["not JSON", `#v1=${compressToEncodedURIComponent("{nope")}`, /not valid JSON/],
    [
      "too large once decompressed",
      `#v1=${compressToEncodedURIComponent("x".repeat(2_000_000))}`,
      /more than 1048576 characters \(the cap\)/,
    ],
  ])("rejects a %s hash", (_name, hash, message) => {
    expect(rejected(decodeShareHash(hash))).toMatch(message);
  });

  it("never lets a __proto__ key reach a prototype", () => {
    expect(() => parseJsonSafely('{"a": {"__proto__": {"polluted": true}}}')).toThrow(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parseJsonSafely('{"a": [1, {"b": null}]}')).toEqual({ a: [1, { b: null }] });
  });

  it("tells when the state is too large for a link", () => {
    expect(shareLinkFits(DEFAULT_STATE)).toMatchObject({ fits: true, limit: MAX_SHARE_HASH_CHARS });
    // Random-ish text barely compresses.
    let seed = 1;
    const noise = () =>
      Array.from({ length: 60_000 }, () => String.fromCharCode(33 + ((seed = (seed * 48271) % 2147483647) % 90))).join("");
    const big: PlaygroundSnapshot = {
      ...DEFAULT_STATE,
      examples: [
        {
          id: "n",
          turns: [
            { role: "user", content: noise() },
            { role: "assistant", content: "a" },
          ],
        },
      ],
    };
    const fit = shareLinkFits(big);
    expect(fit.fits).toBe(false);
    expect(fit.hashChars).toBeGreaterThan(MAX_SHARE_HASH_CHARS);
  });
});

describe("playground file and autosave", () => {
  it("round-trips through the exported file and the autosave", () => {
    expect(importStateFile(exportStateFile(custom))).toEqual({ ok: true, state: custom });
    expect(parseAutosave(serializeAutosave(custom, new Date(0)))).toEqual({ ok: true, state: custom });
  });

  it.each([
    ["not JSON", "{", /play.json: not valid JSON/],
    [
      "another kind of file",
      JSON.stringify({ kind: "other", version: 1, state: DEFAULT_STATE }),
      /\$\.kind: expected "finetuning-playground"/,
    ],
    [
      "another version",
      JSON.stringify({ kind: "finetuning-playground", version: 3, state: DEFAULT_STATE }),
      /\$\.version: expected 1, got 3/,
    ],
    [
      "an unknown envelope field",
      JSON.stringify({ kind: "finetuning-playground", version: 1, state: DEFAULT_STATE, x: 1 }),
      /\$: unknown field "x"/,
    ],
    [
      "a mistyped state field",
      JSON.stringify({ kind: "finetuning-playground", version: 1, state: { ...DEFAULT_STATE, holdout: { prompt: 1, expected: "" } } }),
      /\$\.state\.holdout\.prompt/,
    ],
    ["a prototype key", '{"kind":"finetuning-playground","version":1,"state":{"__proto__":{}}}', /"__proto__" is not allowed/],
  ])("rejects a file with %s", (_name, text, message) => {
    const r = importStateFile(text, "play.json");
    expect(r.ok ? "accepted" : r.error).toMatch(message);
  });

  it("rejects an autosave over the cap", () => {
    const r = parseAutosave(" ".repeat(6 * 1024 * 1024));
    expect(r.ok ? "accepted" : r.error).toMatch(/autosave: .* over the 5242880 limit/);
  });
});
