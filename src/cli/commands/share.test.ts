// The `share` command end to end: a playground file to a link's hash and back, and every kind of
// bad input refused with one line naming what is wrong.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compressToEncodedURIComponent } from "lz-string";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_STATE, type PlaygroundSnapshot } from "../../core/playgroundState";
import { encodeShareHash, exportStateFile } from "../../core/share/codec";

const root = resolve(__dirname, "../../..");
const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "share", ...args], {
    cwd: root,
    encoding: "utf8",
    input,
    env: { ...process.env, NO_COLOR: "1" },
  });

const dir = mkdtempSync(join(tmpdir(), "share-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

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
    insertMarkers: false,
    responseTemplate: { ids: [1, 2] },
    instructionTemplate: { text: "### Human:" },
  },
  model: { kind: "hub", id: "Qwen/Qwen3-0.6B", revision: "main" },
  training: { ...DEFAULT_STATE.training, maxSteps: 40, lora: { ...DEFAULT_STATE.training.lora, targetModules: ["q_proj", "v_proj"] } },
};

/** A hash of any JSON, validated or not, compressed as the codec does. */
const rawHash = (value: unknown) => `#v1=${compressToEncodedURIComponent(JSON.stringify(value))}`;

function expectRefused(r: ReturnType<typeof cli>, message: RegExp) {
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

describe("cli share", () => {
  it("encodes an exported playground file, and decodes the hash to the same state", () => {
    const enc = cli(["encode", file("default.json", exportStateFile(DEFAULT_STATE))]);
    expect(enc.stderr).toBe("");
    expect(enc.status).toBe(0);
    const hash = enc.stdout.trim();
    expect(hash).toBe(encodeShareHash(DEFAULT_STATE));
    const dec = cli(["decode", hash, "--json"]);
    expect(dec.status).toBe(0);
    expect(JSON.parse(dec.stdout)).toEqual(DEFAULT_STATE);
    // Without the "#", and from stdin.
    expect(JSON.parse(cli(["decode", hash.slice(1), "--json"]).stdout)).toEqual(DEFAULT_STATE);
    expect(JSON.parse(cli(["decode", "-", "--json"], `${hash}\n`).stdout)).toEqual(DEFAULT_STATE);
  });

  it("decodes a full page address and summarises it without --json", () => {
    const url = `http://127.0.0.1:5173/${encodeShareHash(custom)}`;
    expect(JSON.parse(cli(["decode", url, "--json"]).stdout)).toEqual(custom);
    const r = cli(["decode", url]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("examples: 1 (3 turns)");
    expect(r.stdout).toContain("model: Qwen/Qwen3-0.6B @ main");
    expect(r.stdout).toContain("formatting: the tokenizer's chat template");
    expect(r.stdout).toContain('masking: completion-only (response template ids 1,2, instruction template "### Human:")');
    expect(r.stdout).toContain(`training: 40 steps, learning rate ${DEFAULT_STATE.training.learningRate}, batch 1, max length 512`);
    const { r: rank, loraAlpha } = DEFAULT_STATE.training.lora;
    expect(r.stdout).toContain(`lora: r ${rank}, alpha ${loraAlpha}, dropout 0, targets q_proj,v_proj`);
  });

  it("summarises the default playground", () => {
    const r = cli(["decode", encodeShareHash(DEFAULT_STATE)]);
    expect(r.stdout).toContain("examples: 5 (10 turns)");
    expect(r.stdout).toContain("model: the bundled default model");
    expect(r.stdout).toContain(
      'masking: completion-only (no start marker, end EOS, inserted after answers; response template "### Assistant:", instruction template "### Human:")',
    );
    expect(r.stdout).toContain(`training: ${DEFAULT_STATE.training.epochs} epochs`);
  });

  it("reads a link made before packing existed as packing none, and names packing when it is on", () => {
    const { packing: _, ...before } = DEFAULT_STATE.training;
    const old = cli(["decode", rawHash({ ...DEFAULT_STATE, training: before }), "--json"]);
    expect(old.status).toBe(0);
    expect(JSON.parse(old.stdout).training.packing).toBe("none");
    const packed = cli(["decode", encodeShareHash({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, packing: "bfd" } })]);
    expect(packed.stdout).toContain(`max length ${DEFAULT_STATE.training.maxSeqLength} (packed: bfd)`);
    expectRefused(
      cli(["decode", rawHash({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, packing: "ffd" } })]),
      /\$\.training\.packing: expected none, bfd or wrapped/,
    );
  });

  it.each([
    [
      "maxNewTokens 0",
      [rawHash({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, maxNewTokens: 0 } })],
      /^error: share link: \$\.training\.maxNewTokens: expected a whole number ≥ 1/,
    ],
    [
      "epochs 0",
      [rawHash({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, epochs: 0 } })],
      /^error: share link: \$\.training\.epochs: expected a number > 0/,
    ],
    [
      "an unknown field",
      [rawHash({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, lora: { ...DEFAULT_STATE.training.lora, rank: 8 } } })],
      /\$\.training\.lora: unknown field "rank"/,
    ],
    ["garbage", ["hello world"], /^error: share link: expected "#v1=…" after the page address/],
    ["bad characters", ["#v1=abc*def"], /unexpected character "\*" at position 4/],
    ["a link cut short", [encodeShareHash(DEFAULT_STATE).slice(0, 60)], /share link: .*(damaged|truncated|not valid JSON)/],
    ["a newer version", [rawHash(DEFAULT_STATE).replace("#v1=", "#v2=")], /version 2 is not supported/],
    ["an address without a hash", ["http://127.0.0.1:5173/"], /the address has no share part/],
    ["no link", [], /give exactly one URL or HASH/],
  ])("decode refuses %s with one line and exit code 2", (_name, args, message) => {
    expectRefused(cli(["decode", ...args]), message);
  });

  it.each([
    ["a missing file", () => join(dir, "missing.json"), /share encode: cannot read .*missing\.json \(ENOENT\)/],
    [
      "bad JSON",
      () => file("bad.json", '{\n  "kind": "finetuning-playground",\n  "version": 1,\n  state: {}\n}\n'),
      /bad\.json:4:3: invalid JSON: expected a property name in double quotes, found "s"/,
    ],
    [
      "a schema problem",
      () => file("field.json", exportStateFile({ ...DEFAULT_STATE, training: { ...DEFAULT_STATE.training, batchSize: 0 } })),
      /field\.json: \$\.state\.training\.batchSize: /,
    ],
    [
      "another kind of file",
      () => file("other.json", '{"kind": "something-else"}'),
      /other\.json: \$\.kind: expected "finetuning-playground"/,
    ],
  ])("encode refuses %s with one line and exit code 2", (_name, path, message) => {
    expectRefused(cli(["encode", path()]), message);
  });

  it("prints help, and refuses unknown subcommands and flags", () => {
    const help = cli(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run -s cli -- share decode \(URL\|HASH\|-\) \[--json\]/);
    expectRefused(cli([]), /give a subcommand: decode or encode/);
    expectRefused(cli(["frob"]), /unknown subcommand "frob"/);
    expectRefused(cli(["decode", "--bogus"]), /Unknown option '--bogus'/);
  });
});
