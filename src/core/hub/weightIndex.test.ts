// The shard list of a model.safetensors.index.json, which both the hub's downloads and the CLI's model
// folders read: each file once in shard order, and a refusal naming why for an index that cannot be used.
import { describe, expect, it } from "vitest";
import { shardsOfIndex } from "./weightIndex";

const why = (index: unknown) => {
  try {
    shardsOfIndex(index, (reason) => new Error(reason));
  } catch (err) {
    return (err as Error).message;
  }
  return null;
};

describe("shardsOfIndex", () => {
  it("lists each shard once, in shard order", () => {
    const weight_map = {
      "b.weight": "model-00002-of-00002.safetensors",
      "a.weight": "model-00001-of-00002.safetensors",
      c: "model-00002-of-00002.safetensors",
    };
    expect(shardsOfIndex({ weight_map }, (r) => new Error(r))).toEqual([
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
    ]);
  });

  it("refuses an index without a weight map, with none listed, or naming a file outside the folder or not safetensors", () => {
    expect(why({ metadata: {} })).toMatch(/has no usable weight_map/);
    expect(why({ weight_map: {} })).toBe("lists no weight files");
    for (const name of ["../model.safetensors", "/etc/model.safetensors", "sub/../../model.safetensors", "pytorch_model.bin"])
      expect(why({ weight_map: { w: name } })).toBe(`names a weight file "${name}" that is not a plain relative .safetensors path`);
  });
});
