// `share`: look inside a share link before opening it, and make one from an exported playground
// file. Decoding and validation are the page's own (core/share/codec), so a link the CLI accepts is
// a link the page opens, and an error names the same field the page would.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { findJsonSyntaxError, LineIndex } from "../../core/dataset/jsonSyntax";
import { endMarkerOnly } from "../../core/masking/prepare";
import type { PlaygroundSnapshot } from "../../core/playgroundState";
import { decodeShareHash, encodeShareHash, importStateFile, MAX_SHARE_HASH_CHARS, MAX_STATE_FILE_CHARS } from "../../core/share/codec";
import type { TemplateSpec } from "../../core/types";
import { CliError, command, readOrFail } from "../cliError";

const HELP = `usage: npm run -s cli -- share decode (URL|HASH|-) [--json]
       npm run -s cli -- share encode (FILE|-)
decode  prints what a share link holds: a short summary, or with --json the whole playground
        state (examples and every setting) as JSON. Accepts the full address
        (http://127.0.0.1:5173/#v1=…), the hash with or without its "#", or - to read it from stdin.
        Quote it in single quotes: the link's alphabet includes "$".
encode  reads a playground file as the page's "Export as JSON file" writes it
        ({"kind": "finetuning-playground", "version": 1, "state": …}) and prints the link's hash
        (#v1=…) to append to the page address. - reads the file from stdin.
Errors are one line on stderr with exit code 2; they name the failing field ($.training.batchSize).`;

function readInput(sub: string, path: string): string {
  return readOrFail(`share ${sub}: cannot read ${path === "-" ? "stdin" : path}`, () => readFileSync(path === "-" ? 0 : path, "utf8"));
}

/** The `#v1=…` part of whatever was pasted: a whole address, a hash, or the hash without "#". */
export function hashOf(input: string): string {
  const text = input.trim();
  if (text.startsWith("#")) return text;
  const at = text.indexOf("#");
  if (at >= 0) return text.slice(at);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
    throw new CliError(`share link: the address has no share part (expected "#v1=…" after the page address)`);
  return text;
}

const quote = (s: string) => JSON.stringify(s);
const template = (t: TemplateSpec | null) => (t === null ? "the formatting's" : "ids" in t ? `ids ${t.ids.join(",")}` : quote(t.text));
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

export function summarize(state: PlaygroundSnapshot): string[] {
  const turns = state.examples.reduce((n, e) => n + e.turns.length, 0);
  const { formatting: f, masking: m, model, training: t } = state;
  const { lora } = t;
  const maskingDetail: string[] = [];
  if (m.strategy === "markers" || m.insertMarkers) {
    const noStart = endMarkerOnly(m);
    const start = noStart ? "no start marker" : `start ${m.markerStart === null ? "BOS" : quote(m.markerStart)}`;
    const inserted = !m.insertMarkers ? "" : noStart ? ", inserted after answers" : ", inserted around answers";
    maskingDetail.push(`${start}, end ${m.markerEnd === null ? "EOS" : quote(m.markerEnd)}${inserted}`);
  }
  if (m.strategy === "completion-only")
    maskingDetail.push(`response template ${template(m.responseTemplate)}, instruction template ${template(m.instructionTemplate)}`);
  if (m.addedSpecialTokens.length) maskingDetail.push(`added special tokens ${m.addedSpecialTokens.map(quote).join(", ")}`);
  return [
    `examples: ${state.examples.length} (${plural(turns, "turn")})`,
    `holdout: ${quote(state.holdout.prompt)} → ${quote(state.holdout.expected)}`,
    `model: ${model.kind === "bundled" ? "the bundled default model" : `${model.id} @ ${model.revision}`}`,
    `formatting: ${f.kind === "chat-template" ? "the tokenizer's chat template" : `text, ${quote(f.templates.instruction)} / ${quote(f.templates.response)}`}`,
    `masking: ${m.strategy}${maskingDetail.length ? ` (${maskingDetail.join("; ")})` : ""}`,
    `training: ${t.maxSteps > 0 ? plural(t.maxSteps, "step") : plural(t.epochs, "epoch")}, learning rate ${t.learningRate}, batch ${t.batchSize}, max length ${t.maxSeqLength}${t.packing === "none" ? "" : ` (packed: ${t.packing})`}, warmup ${t.warmupSteps}, seed ${t.seed}, ${t.maxNewTokens} new tokens per answer, ${t.generateEvery > 0 ? `answers every ${plural(t.generateEvery, "step")}` : "answers at the end"}`,
    `lora: r ${lora.r}, alpha ${lora.loraAlpha}${lora.useRslora ? " (rsLoRA)" : ""}, dropout ${lora.loraDropout}, targets ${lora.targetModules.length ? lora.targetModules.join(",") : "the architecture's default"}${lora.trainNewTokenRows ? ", trains new token rows" : ""}`,
  ];
}

function decode(positionals: string[], json: boolean): number {
  if (positionals.length !== 1) throw new CliError("share decode: give exactly one URL or HASH (or - for stdin)");
  const input = positionals[0] === "-" ? readInput("decode", "-") : positionals[0];
  const hash = hashOf(input);
  const decoded = decodeShareHash(hash);
  if (!decoded.ok) throw new CliError(decoded.error);
  if (json) {
    process.stdout.write(`${JSON.stringify(decoded.state)}\n`);
  } else {
    process.stdout.write(`share link: ${hash.length} characters\n`);
    for (const line of summarize(decoded.state)) process.stdout.write(`${line}\n`);
  }
  return 0;
}

function encode(positionals: string[], json: boolean): number {
  if (json) throw new CliError("share encode: --json is for decode; encode prints the hash");
  if (positionals.length !== 1) throw new CliError("share encode: give exactly one FILE (or - for stdin)");
  const file = positionals[0];
  const name = file === "-" ? "stdin" : file;
  // The page reads the file with File.text(), which drops a UTF-8 byte order mark.
  const text = readInput("encode", file).replace(/^\uFEFF/, "");
  const decoded = importStateFile(text, name);
  if (!decoded.ok) {
    // JSON.parse's message gives at most an offset; point at the line and column as `dataset` does.
    const syntax = text.length <= MAX_STATE_FILE_CHARS ? findJsonSyntaxError(text) : null;
    if (syntax) {
      const { line, column } = new LineIndex(text).position(syntax.offset);
      throw new CliError(`${name}:${line}:${column}: invalid JSON: ${syntax.message}`);
    }
    throw new CliError(decoded.error);
  }
  const hash = encodeShareHash(decoded.state);
  if (hash.length > MAX_SHARE_HASH_CHARS) {
    process.stderr.write(
      `warning: the hash is ${hash.length} characters, over the ${MAX_SHARE_HASH_CHARS} that browsers and chat apps reliably carry; share the file instead\n`,
    );
  }
  process.stdout.write(`${hash}\n`);
  return 0;
}

const OPTIONS = { help: { type: "boolean", short: "h" } } as const;
const Flags = z.object({ json: z.boolean().default(false) });

export const run = command({ prefix: "share: ", help: HELP, options: OPTIONS, flags: Flags, positionals: true }, (f, positionals) => {
  const [sub, ...rest] = positionals;
  if (sub === undefined) throw new CliError("share: give a subcommand: decode or encode (--help for usage)");
  if (sub !== "decode" && sub !== "encode") throw new CliError(`share: unknown subcommand "${sub}"; expected decode or encode`);
  return sub === "decode" ? decode(rest, f.json) : encode(rest, f.json);
});
