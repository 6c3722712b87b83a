// The export against the playground: for every strategy the exported labels are the mask view's, the
// exported LoraConfig / TrainingArguments are the settings (parsed back from playground_config.json
// and axolotl.yaml), and the scripts read every key (python.test.ts checks them as Python).
import { flattenExamples } from "../flatExamples";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { useCpu } from "../../engine/fixtures.testutil";
import { createLora, disposeLora } from "../../engine/lora";
import { randomModel } from "../../engine/randomModel.testutil";
import { Trainer } from "../../engine/trainer";
import { disposeModel } from "../../engine/weights";
import { DEFAULT_EXAMPLES, DEFAULT_FORMATTING, DEFAULT_MASKING } from "../defaults";
import { buildMaskView } from "../maskView";
import { DEFAULT_STATE } from "../playgroundState";
import { toHf } from "../settings/hf";
import { LORA_FIELDS, TRAINING_FIELDS, type TrainingSettings } from "../settings/trainingSettings";
import { qwen3Tokenizer } from "../testing/bundledTokenizer";
import { buildTrainingData } from "../trainingData";
import type { Formatting, MaskingOptions, StrategyName } from "../types";
import { ACCELERATE_FILES } from "./accelerate";
import { AXOLOTL_FILE } from "./axolotl";
import { CONFIG_FILE, TOKENIZED_FILE, MESSAGES_FILE } from "./config";
import { fileChunks, exportFiles, type ExportFile, type ExportInput } from "./index";
import { PYTHON_FILES } from "./python";
import { zipExport } from "./zip";

const STRATEGIES: StrategyName[] = ["full", "markers", "completion-only", "special-tokens", "chat-template"];

/** Settings unlike every default, so a value taken from the wrong place shows. */
const SETTINGS: TrainingSettings = {
  ...DEFAULT_STATE.training,
  epochs: 7,
  maxSteps: 33,
  learningRate: 3e-4,
  batchSize: 2,
  maxSeqLength: 24,
  warmupSteps: 3,
  seed: 17,
  lora: { r: 4, loraAlpha: 12, loraDropout: 0.1, targetModules: ["q_proj", "v_proj"], useRslora: true, trainNewTokenRows: true },
};

function exportFor(strategy: StrategyName, settings = SETTINGS) {
  const base = qwen3Tokenizer();
  const formatting: Formatting = strategy === "chat-template" ? { kind: "chat-template" } : DEFAULT_FORMATTING;
  // completion-only with "### Assistant:": the notebook's "\n\n### Assistant:" is not found in context ("?\n\n" merges).
  const responseTemplate = strategy === "completion-only" ? { text: "### Assistant:" } : null;
  // Qwen3 has no BOS: its start marker is <|im_start|>.
  const masking: MaskingOptions = { ...DEFAULT_MASKING, markerStart: "<|im_start|>", strategy, responseTemplate };
  const view = buildMaskView(base, DEFAULT_EXAMPLES, formatting, masking);
  const data = buildTrainingData(
    view.prepared,
    flattenExamples(view.examples),
    DEFAULT_EXAMPLES,
    { prompt: "", expected: "" },
    settings.maxSeqLength,
  );
  const input: ExportInput = {
    strategy,
    formatting,
    settings,
    chats: DEFAULT_EXAMPLES,
    examples: data.examples,
    truncated: data.truncated,
    model: { kind: "hub", id: "Qwen/Qwen3-0.6B", revision: "main" },
    tokenizerName: view.prepared.tokenizer.name,
    addedTokens: view.prepared.addedTokens,
    padTokenId: view.prepared.tokenizer.padId,
    modelVocabSize: base.vocabSize,
    run: null,
    writer: "page",
  };
  return { input, view, files: exportFiles(input) };
}

function textOf(files: ExportFile[], path: string): string {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in the export`);
  return [...fileChunks(file)].map((c) => (typeof c === "string" ? c : new TextDecoder().decode(c))).join("");
}

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, number[]>);

describe.each(STRATEGIES)("the %s strategy's export", (strategy) => {
  const { view, files, input } = exportFor(strategy);

  it("has the playground's own labels, per example, cut to max_seq_length as it trains", () => {
    const records = jsonLines(textOf(files, TOKENIZED_FILE));
    expect(records).toHaveLength(view.examples.length);
    records.forEach((r, i) => {
      const ex = view.examples[i];
      expect(r.input_ids).toEqual(ex.inputIds.slice(0, SETTINGS.maxSeqLength));
      expect(r.labels).toEqual(ex.labels.slice(0, SETTINGS.maxSeqLength));
      expect(r.attention_mask).toEqual(r.input_ids.map(() => 1));
    });
    expect(records.some((r) => r.labels.some((l) => l !== -100))).toBe(true);
  });

  it("has the conversations as messages records", () => {
    const records = jsonLines(textOf(files, MESSAGES_FILE)) as unknown as Array<{ messages: unknown }>;
    expect(records.map((r) => r.messages)).toEqual(DEFAULT_EXAMPLES.map((e) => e.turns));
  });

  it("adds the strategy's tokens with the playground's ids, and trains their rows when asked", () => {
    const config = JSON.parse(textOf(files, CONFIG_FILE));
    const added = Object.entries(view.prepared.addedTokens).map(([content, id]) => ({ content, id }));
    expect(config.tokenizer.added_tokens).toEqual(added);
    if (strategy === "special-tokens") {
      expect(added.length).toBe(2);
      const start = Math.min(...added.map((a) => a.id));
      expect(config.vocab_size).toBe(input.modelVocabSize + 2);
      expect(config.lora_config.trainable_token_indices).toEqual([start, start + 1]);
    } else expect(config.lora_config.trainable_token_indices).toBeNull();
  });
});

describe("playground_config.json", () => {
  const { files } = exportFor("special-tokens");
  const config = JSON.parse(textOf(files, CONFIG_FILE));

  it("holds every Trainer / PEFT-named setting under its own name, with the settings' values", () => {
    const trainer = config.training_arguments;
    for (const [key, field] of Object.entries(TRAINING_FIELDS)) {
      // eval_strategy is "no" without an eval split, which Trainer needs an eval_dataset for (evalExport.test.ts).
      if (field.name === null || !(field.name in trainer) || field.name === "eval_strategy") continue;
      expect(trainer[field.name], field.name).toBe(SETTINGS[key as keyof typeof TRAINING_FIELDS]);
    }
    // Every TrainingArguments field of the table is there (max_seq_length and max_new_tokens are not TrainingArguments').
    expect(Object.keys(trainer)).toEqual(
      expect.arrayContaining(["num_train_epochs", "max_steps", "learning_rate", "per_device_train_batch_size", "warmup_steps", "seed"]),
    );
    expect(config.max_seq_length).toBe(SETTINGS.maxSeqLength);
    const lora = config.lora_config;
    for (const [key, field] of Object.entries(LORA_FIELDS)) {
      if (field.name === null) continue;
      expect(lora[field.name], field.name).toEqual(SETTINGS.lora[key as keyof typeof LORA_FIELDS]);
    }
    expect(lora).toMatchObject({ bias: "none", task_type: "CAUSAL_LM" });
  });

  it("has the arguments the engine's Trainer trains with for the same settings, optimizer and clipping included", async () => {
    await useCpu();
    const { model } = await randomModel({ arch: "LlamaForCausalLM" });
    const { trainingArguments, loraConfig } = toHf(SETTINGS);
    const lora = createLora(model, loraConfig, SETTINGS.seed);
    const engineArgs: Record<string, unknown> = new Trainer(model, lora, [{ inputIds: [1, 2], labels: [1, 2] }], trainingArguments).args;
    disposeLora(lora);
    disposeModel(model);
    const t = config.training_arguments;
    const shared = Object.keys(engineArgs).filter((k) => k in t);
    expect(shared).toEqual(
      expect.arrayContaining(["learning_rate", "adam_beta1", "adam_beta2", "adam_epsilon", "weight_decay", "max_grad_norm"]),
    );
    for (const k of shared) expect(t[k], k).toEqual(engineArgs[k]);
    expect(t).toMatchObject({ optim: "adamw_torch", lr_scheduler_type: "linear", gradient_accumulation_steps: 1, logging_steps: 1 });
  });

  it("spells no step limit as -1, every linear layer as all-linear and PEFT's default as null", () => {
    const unlimited = JSON.parse(
      textOf(
        exportFor("markers", { ...SETTINGS, maxSteps: 0, lora: { ...SETTINGS.lora, targetModules: ["all-linear"] } }).files,
        CONFIG_FILE,
      ),
    );
    expect(unlimited.training_arguments.max_steps).toBe(-1);
    expect(unlimited.lora_config.target_modules).toBe("all-linear");
    const peftDefault = JSON.parse(
      textOf(exportFor("markers", { ...SETTINGS, lora: { ...SETTINGS.lora, targetModules: [] } }).files, CONFIG_FILE),
    );
    expect(peftDefault.lora_config.target_modules).toBeNull();
  });

  it("is read whole by the scripts: every top-level key, and lora_config / training_arguments as keyword arguments", () => {
    const python = PYTHON_FILES.map((f) => textOf(files, f.path)).join("\n");
    for (const key of Object.keys(config)) {
      if (key === "playground") continue; // the playground's own record, for reading the export back
      expect(python, key).toMatch(new RegExp(`config(\\.get\\(["']${key}["']|\\[["']${key}["']\\])`));
    }
    expect(python).toContain('dict(config["lora_config"])');
    expect(python).toContain('dict(config["training_arguments"])');
    expect(python).toContain("LoraConfig(**kwargs)");
    expect(python).toContain("cls(output_dir=output_dir, bf16=bf16, **kwargs)");
  });
});

describe("the other trainers' files", () => {
  const { files } = exportFor("special-tokens");
  const config = JSON.parse(textOf(files, CONFIG_FILE));

  it("axolotl.yaml has the same LoRA and schedule, and trains on the pre-tokenized data", () => {
    const yaml = textOf(files, AXOLOTL_FILE);
    const values = Object.fromEntries(
      yaml
        .split("\n")
        .map((l) => /^(\w+): (.+)$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null && !["ds_type", "dataset_prepared_path"].includes(m[1]))
        .map((m) => [m[1], JSON.parse(m[2])]),
    );
    const l = config.lora_config;
    const t = config.training_arguments;
    expect(values).toMatchObject({
      lora_r: l.r,
      lora_alpha: l.lora_alpha,
      lora_dropout: l.lora_dropout,
      lora_target_modules: l.target_modules,
      peft_use_rslora: l.use_rslora,
      peft_trainable_token_indices: l.trainable_token_indices,
      learning_rate: t.learning_rate,
      lr_scheduler: "linear",
      warmup_steps: t.warmup_steps,
      num_epochs: t.num_train_epochs,
      max_steps: t.max_steps,
      micro_batch_size: t.per_device_train_batch_size,
      seed: t.seed,
      adam_beta1: t.adam_beta1,
      adam_beta2: t.adam_beta2,
      adam_epsilon: t.adam_epsilon,
      max_grad_norm: t.max_grad_norm,
      sequence_len: config.max_seq_length,
      base_model: "Qwen/Qwen3-0.6B",
      tokens: config.tokenizer.added_tokens.map((a: { content: string }) => a.content),
    });
    expect(yaml).toContain(`  - path: "${TOKENIZED_FILE}"\n    ds_type: json\n    type:\n`);
  });

  it("the markers strategy's axolotl.yaml says why it cannot be a prompt strategy", () => {
    expect(textOf(exportFor("markers").files, AXOLOTL_FILE)).toMatch(/markers strategy has no axolotl prompt strategy/);
  });

  it("accelerate configs: 1 and 8 processes, FSDP and ZeRO-2 with the Trainer's clipping", () => {
    expect(textOf(files, ACCELERATE_FILES.single)).toMatch(/num_processes: 1\n/);
    for (const f of [ACCELERATE_FILES.ddp, ACCELERATE_FILES.fsdp, ACCELERATE_FILES.zero2])
      expect(textOf(files, f)).toMatch(/num_processes: 8\n/);
    expect(textOf(files, ACCELERATE_FILES.zero2)).toContain(`gradient_clipping: ${config.training_arguments.max_grad_norm}\n`);
    expect(textOf(files, ACCELERATE_FILES.zero2)).toContain("zero_stage: 2");
    expect(textOf(files, ACCELERATE_FILES.fsdp)).toContain("fsdp_use_orig_params: true");
    expect(textOf(files, "slurm/train.sbatch")).toMatch(/^#!\/bin\/bash\n[\s\S]*#SBATCH --gpus-per-node=8[\s\S]*accelerate launch/);
  });

  it("the README tells how to run on 1 GPU, 8 GPUs and a cluster, and how to bring the adapter back", () => {
    const readme = textOf(files, "README.md");
    for (const s of [
      "python train.py",
      "ddp_8gpu.yaml",
      "sbatch slurm/train.sbatch",
      "trainer_state.json",
      "npm run -s cli -- evaluate",
      "not exact",
    ])
      expect(readme).toContain(s);
  });
});

describe("packing in the export", () => {
  const config = (settings: TrainingSettings) => JSON.parse(textOf(exportFor("full", settings).files, CONFIG_FILE));
  const yaml = (settings: TrainingSettings) => textOf(exportFor("full", settings).files, AXOLOTL_FILE);

  it("gives TRL the same packing: packing, packing_strategy, padding_free for bfd, and max_length as the rows' length", () => {
    expect(config({ ...SETTINGS, packing: "bfd" }).sft_arguments).toEqual({
      max_length: SETTINGS.maxSeqLength,
      packing: true,
      packing_strategy: "bfd",
      padding_free: true,
    });
    expect(config({ ...SETTINGS, packing: "wrapped" }).sft_arguments).toMatchObject({
      packing: true,
      packing_strategy: "wrapped",
      padding_free: false,
    });
    expect(config({ ...SETTINGS, packing: "none" }).sft_arguments).toMatchObject({ packing: false, padding_free: false });
    expect(textOf(exportFor("full").files, "trl_sft.py")).toMatch(/packing=sft\["packing"\]/);
  });

  it("says in the README which script packs as the playground did", () => {
    expect(textOf(exportFor("full", { ...SETTINGS, packing: "bfd" }).files, "README.md")).toMatch(/Packing \(bfd\)\*\*: trl_sft\.py packs/);
    expect(textOf(exportFor("full").files, "README.md")).not.toMatch(/Packing \(/);
  });

  it("turns axolotl's sample_packing on for bfd only, and says why wrapped has no axolotl form", () => {
    expect(yaml({ ...SETTINGS, packing: "bfd" })).toMatch(/^sample_packing: true$/m);
    expect(yaml({ ...SETTINGS, packing: "none" })).toMatch(/^sample_packing: false$/m);
    const wrapped = yaml({ ...SETTINGS, packing: "wrapped" });
    expect(wrapped).toMatch(/^sample_packing: false$/m);
    expect(wrapped).toMatch(/packing wrapped has no axolotl form/);
  });
});

describe("the page's zip", () => {
  it("holds every file under one folder, the data as written", async () => {
    const { files } = exportFor("markers");
    const parts = await zipExport("playground-run-1", files);
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    const entries = unzipSync(joined);
    expect(Object.keys(entries).sort()).toEqual(files.map((f) => `playground-run-1/${f.path}`).sort());
    expect(strFromU8(entries[`playground-run-1/${TOKENIZED_FILE}`])).toBe(textOf(files, TOKENIZED_FILE));
  });
});
