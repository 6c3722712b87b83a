// A --model folder's files: the shards its index names are read from that folder only.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { baseCheckpoint } from "./modelFiles";

describe("baseCheckpoint", () => {
  it("refuses an index that names a shard outside the model's folder", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "index-"));
    mkdirSync(path.join(dir, "model"));
    writeFileSync(path.join(dir, "model", "config.json"), "{}");
    writeFileSync(path.join(dir, "outside.safetensors"), "");
    writeFileSync(path.join(dir, "model", "model.safetensors.index.json"), JSON.stringify({ weight_map: { w: "../outside.safetensors" } }));
    await expect(baseCheckpoint(path.join(dir, "model"))).rejects.toThrow(
      /model\.safetensors\.index\.json names a weight file "\.\.\/outside\.safetensors"/,
    );
  });
});
