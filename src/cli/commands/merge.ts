// `merge`: a PEFT adapter merged into its base, written as a Hugging Face model folder that loads
// without PEFT (transformers, this engine; transformers.js after a conversion to ONNX): engine/export/merge.ts and hfFolder.ts.

import path from "node:path";
import { z } from "zod";
import { modelCard } from "../../core/export/modelCard";
import { MERGE_DTYPES } from "../../engine/export/hfFolder";
import { engineCommand, modelFlag } from "../engineArgs";
import { loadEngine } from "../tfjsNode";
import { exportSources, writeOutput } from "../modelFiles";
import { existsSync, readFileSync } from "node:fs";

const HELP = `usage: npm run -s cli -- merge --model DIR|default --adapter DIR --out DIR [--dtype bf16|f16|f32] [--shard-bytes N] [--json]
Merges the adapter into the base (W + scaling · B · A; rsLoRA's scaling when set; added token rows
included) and writes config.json, model.safetensors (shards + index past --shard-bytes, default 5 GB),
the tokenizer files, generation_config.json and README.md. --dtype defaults to the base's dtype.`;

const Flags = z.object({
  model: modelFlag,
  adapter: z.string({ error: "--adapter DIR is required (a PEFT adapter folder)" }),
  out: z.string({ error: "--out DIR is required (where the merged folder is written)" }),
  dtype: z.enum(MERGE_DTYPES, { error: "--dtype must be bf16, f16 or f32" }).optional(),
  "shard-bytes": z.string().regex(/^\d+$/, "--shard-bytes expects a whole number of bytes").transform(Number).optional(),
  json: z.boolean().default(false),
});

export const run = engineCommand({ help: HELP, flags: Flags }, async (f) => {
  const engine = await loadEngine();
  const { dir, adapter, plan, tokenizer } = await exportSources(engine, f);
  const lora = engine.parseAdapterConfig(adapter!.config);
  const generation = path.join(dir, "generation_config.json");
  const files = engine.mergedFolderFiles(plan, {
    dtype: f.dtype,
    shardBytes: f["shard-bytes"],
    tokenizerFiles: tokenizer,
    generationConfig: existsSync(generation) ? readFileSync(generation, "utf8") : null,
    modelCard: modelCard({
      baseModel: f.model === "default" ? "the playground's bundled model" : path.basename(path.resolve(dir)),
      lora: {
        r: lora.r,
        loraAlpha: lora.lora_alpha,
        useRslora: lora.use_rslora,
        targetModules: lora.target_modules,
        newTokenRows: lora.trainNewTokenRows !== null,
      },
      dtype: f.dtype ?? "the base model's dtype",
    }),
  });
  const written: Array<{ file: string; bytes: number }> = [];
  for (const file of files) written.push({ file: file.path, bytes: await writeOutput(f.out, file) });
  process.stdout.write(
    f.json
      ? `${JSON.stringify({ out: f.out, files: written })}\n`
      : `${written.map((w) => `wrote ${path.join(f.out, w.file)} (${w.bytes} bytes)`).join("\n")}\n`,
  );
  return 0;
});
