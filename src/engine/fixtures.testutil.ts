// Test-only helpers (Node): loading a fixture model from test/fixtures and comparing its numbers.
// Kept out of the engine proper, which never touches the file system.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fixtureDir, type FixtureName } from "../../test/fixtures/location";
import { setBackend } from "./backend";
import { importAdapter } from "./adapter";
import type { LoraAdapter } from "./lora";
import { loadModelFromFiles, type CausalLM } from "./weights";

export { FIXTURE_NAMES } from "../../test/fixtures/location";

export interface Reference {
  input_ids: number[];
  labels: number[];
  logits: number[][];
  loss: number;
  greedy_prompt: number[];
  greedy_new_tokens: number[];
  lora: { r: number; lora_alpha: number; logits: number[][]; loss: number; grads: Record<string, number[][]> };
}

export function fixtureFile(name: FixtureName, file: string): string {
  return path.join(fixtureDir(name), file);
}

export function readReference(name: FixtureName): Reference {
  return JSON.parse(readFileSync(fixtureFile(name, "reference.json"), "utf8")) as Reference;
}

export async function useCpu(): Promise<void> {
  await setBackend("cpu");
}

export async function loadFixture(name: FixtureName): Promise<CausalLM> {
  return loadModelFromFiles(readFileSync(fixtureFile(name, "config.json"), "utf8"), [
    { name: fixtureFile(name, "model.safetensors"), source: new Uint8Array(readFileSync(fixtureFile(name, "model.safetensors"))) },
  ]);
}

export async function loadFixtureAdapter(name: FixtureName, model: CausalLM): Promise<LoraAdapter> {
  return importAdapter(
    model,
    readFileSync(fixtureFile(name, "adapter/adapter_config.json"), "utf8"),
    new Uint8Array(readFileSync(fixtureFile(name, "adapter/adapter_model.safetensors"))),
  );
}

/** Largest |a - b| over two equally shaped nested arrays. */
export function maxAbsDiff(a: ArrayLike<number> | number[][], b: ArrayLike<number> | number[][]): number {
  const fa = (Array.isArray(a) && Array.isArray(a[0]) ? (a as number[][]).flat() : Array.from(a as ArrayLike<number>)) as number[];
  const fb = (Array.isArray(b) && Array.isArray(b[0]) ? (b as number[][]).flat() : Array.from(b as ArrayLike<number>)) as number[];
  if (fa.length !== fb.length) throw new Error(`length mismatch ${fa.length} vs ${fb.length}`);
  let m = 0;
  for (let i = 0; i < fa.length; i++) m = Math.max(m, Math.abs(fa[i] - fb[i]));
  return m;
}
