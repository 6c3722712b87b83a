// Reading training examples for `train`, `evaluate` and `export`: JSONL of already tokenized and
// masked records {"input_ids": [...], "labels": [...]} (the export's data/tokenized.jsonl, in HF's
// column names), read into the playground's TrainExample.

import { firstIssue } from "../core/firstIssue";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { IGNORE_INDEX, type TrainExample } from "../core/types";
import { CliError } from "./cliError";

const recordSchema = z
  .object({ input_ids: z.array(z.number().int().nonnegative()).min(2), labels: z.array(z.number().int().min(IGNORE_INDEX)) })
  .refine((r) => r.input_ids.length === r.labels.length, "input_ids and labels must be equally long");

/** One example per non-empty line; errors name the file and line. */
export function readTrainingData(file: string, vocabSize: number): TrainExample[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CliError(`${file}: cannot read the data file; check the --data path`);
  }
  const out: TrainExample[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new CliError(`${file}:${i + 1}: not valid JSON (${(e as Error).message}); each line must be one record`);
    }
    const r = recordSchema.safeParse(json);
    if (!r.success) {
      throw new CliError(`${file}:${i + 1}: ${firstIssue(r.error, "record")}; expected {"input_ids": [...], "labels": [...]}`);
    }
    const bad = r.data.input_ids.findIndex((id) => id >= vocabSize);
    if (bad >= 0)
      throw new CliError(`${file}:${i + 1}: input_ids[${bad}] = ${r.data.input_ids[bad]} is outside the vocabulary (size ${vocabSize})`);
    out.push({ inputIds: r.data.input_ids, labels: r.data.labels });
  });
  if (!out.length) throw new CliError(`${file}: no records; add one JSON record per line`);
  return out;
}
