// LLaMA-Factory supervised preprocessing, cases worked out from LLaMA-Factory v0.9.5 (ff6d4d12)
// src/llamafactory/data/processor/supervised.py (_encode_data_example), data/template.py
// (parse_template, register_template "qwen3"/"llama3", ReasoningTemplate.encode_multiturn) and
// data/processor/processor_utils.py (infer_seqlen).
import { describe, expect, it } from "vitest";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { llama3StyleTokenizer } from "../testing/llama3StyleTokenizer";
import { IGNORE_INDEX } from "../types";
import { inferSeqlen, LLAMA_FACTORY_OPTIONS, maskLlamaFactory } from "./llamaFactory";
import { parseOptions } from "./options";
import { CHAT, messages, trainedRuns } from "./trainers.testutil";
import type { TrainerInput } from "./types";

const qwen = qwen3Tokenizer();
const llama = llama3StyleTokenizer();
const lf = (tok = qwen, input: TrainerInput = messages(), ...options: string[]) =>
  maskLlamaFactory(tok, input, parseOptions("llamafactory", LLAMA_FACTORY_OPTIONS, options));
const THINK = "<think>\n\n</think>\n\n";

describe("LLaMA-Factory supervised", () => {
  it("Qwen3 (template parsed from the tokenizer): every answer gets the empty thought, trained, and its <|im_end|>\\n", () => {
    // parse_template finds "<think>" in the assistant slot → ReasoningTemplate; enable_thinking defaults to
    // True, so the empty thought is put in front of each answer's ids ("do compute loss").
    const r = lf();
    expect(trainedRuns(qwen, r)).toEqual([`${THINK}Dog is perro in Spanish.<|im_end|>\n`, `${THINK}gato<|im_end|>\n`]);
    // The tokenizer's own template writes no thought on the first answer: LLaMA-Factory's ids differ from it, and it says so.
    expect(r.warnings.map((w) => w.code)).toEqual(["trainer-template-swapped"]);
    expect(lf(qwen, messages(), "template=qwen3").inputIds).toEqual(r.inputIds);
  });

  it("mask_history=true trains the last answer only", () => {
    const r = lf(qwen, messages(), "mask_history=true");
    expect(trainedRuns(qwen, r)).toEqual([`${THINK}gato<|im_end|>\n`]);
    // discarding_history_cot: only the last answer is given the empty thought.
    expect(qwen.decode(r.inputIds)).toContain("assistant\nDog is perro");
  });

  it("enable_thinking=false moves the empty thought into the prompt: masked", () => {
    expect(trainedRuns(qwen, lf(qwen, messages(), "enable_thinking=false"))).toEqual([
      "Dog is perro in Spanish.<|im_end|>\n",
      "gato<|im_end|>\n",
    ]);
  });

  it("train_on_prompt=true trains every token; with mask_history it is LLaMA-Factory's error", () => {
    const r = lf(qwen, messages(), "train_on_prompt=true");
    expect(r.labels).toEqual(r.inputIds);
    expect(() => lf(qwen, messages(), "train_on_prompt=true", "mask_history=true")).toThrow(/incompatible with `train_on_prompt`/);
  });

  it("Llama 3: the parsed template and the registered llama3 give the same ids; each answer and its <|eot_id|> train", () => {
    const parsed = lf(llama);
    expect(trainedRuns(llama, parsed)).toEqual(["Dog is perro in Spanish.<|eot_id|>", "gato<|eot_id|>"]);
    expect(lf(llama, messages(), "template=llama3").inputIds).toEqual(parsed.inputIds);
    expect(parsed.warnings).toEqual([]);
  });

  it("efficient_eos: the EOS is the label at the next prompt's first token, and one EOS is appended at the end", () => {
    const r = lf(llama, messages(), "efficient_eos=true");
    const eos = llama.eosId as number;
    const nextPrompt = r.inputIds.findIndex((id, k) => k > 0 && r.labels[k - 1] !== IGNORE_INDEX && r.labels[k] === eos && id !== eos);
    expect(nextPrompt).toBeGreaterThan(0);
    expect(r.inputIds.at(-1)).toBe(eos);
    expect(r.labels.at(-1)).toBe(eos);
    expect(() => lf(llama, messages(), "efficient_eos=true", "train_on_prompt=true")).toThrow(/does not support `train_on_prompt`/);
  });

  it("turns that do not alternate user/assistant drop the row", () => {
    const r = lf(qwen, messages([CHAT[0], CHAT[1], CHAT[1], CHAT[2]]));
    expect(r.outcome).toBe("dropped");
    expect(r.warnings[0].message).toContain("Invalid role tag");
  });

  it("cutoff_len truncates each pair by infer_seqlen", () => {
    expect(inferSeqlen(10, 4, 100)).toEqual([10, 4]);
    expect(inferSeqlen(300, 40, 100)).toEqual([60, 40]); // answer short: the prompt is cut
    expect(inferSeqlen(30, 400, 100)).toEqual([30, 70]); // prompt short: the answer is cut
    expect(inferSeqlen(300, 100, 100)).toEqual([75, 25]); // both long: in proportion
    expect(lf(qwen, messages(), "cutoff_len=30").inputIds.length).toBeLessThanOrEqual(30);
  });
});
