// The dataset worker's tokenization of a long list: through the worker's message handler, each
// example's ids, labels, trained count and template flag equal the page's own mask view of it (the
// view the list shows on screen), equal texts share a hash and different ones do not; the tokenizer
// travels once per key and a request without it for an unknown key is refused with the reason.
import { describe, expect, it } from "vitest";
import { BUNDLED_MODEL_MASKING } from "../playgroundState";
import { DEFAULT_FORMATTING } from "../defaults";
import { buildMaskView } from "../maskView";
import { bundledTokenizer } from "../testing/bundledTokenizer";
import type { ChatExample } from "../types";
import { textHash } from "./tokenizedBatch";
import { handleDatasetMessage, parseFromDatasetWorker, type FromDatasetWorker } from "./workerProtocol";

const chat = (q: string, a: string): ChatExample => ({
  id: q,
  turns: [
    { role: "user", content: q },
    { role: "assistant", content: a },
  ],
});
// The third repeats the first; the fourth's answer has no response template in a text formatting, so
// it is written without the "### Assistant:" the bundled masking looks for: a chat with only a user turn.
const EXAMPLES: ChatExample[] = [
  chat("How do you say dog?", "perro"),
  chat("How do you say cat?", "gato"),
  chat("How do you say dog?", "perro"),
  { id: "q", turns: [{ role: "user", content: "Just a question" }] },
];

async function send(data: unknown): Promise<FromDatasetWorker[]> {
  const posted: FromDatasetWorker[] = [];
  await handleDatasetMessage(data, (m) => posted.push(m));
  return posted;
}

const tokenize = (key: string, withFiles: boolean, first = 10) => ({
  id: 1,
  request: {
    type: "tokenize",
    tokenizer: { key, files: withFiles ? bundledTokenizer().files : null },
    formatting: DEFAULT_FORMATTING,
    masking: BUNDLED_MODEL_MASKING,
    examples: EXAMPLES,
    first,
  },
});

describe("tokenizing a batch in the dataset worker", () => {
  it("gives each example what the page's mask view gives it", async () => {
    const [answer] = await send(tokenize("bundled-1", true));
    expect(parseFromDatasetWorker(answer)).toMatchObject({ ok: true });
    if (answer.type !== "reply" || answer.result.type !== "tokenize")
      throw new Error(`expected a tokenize reply, got ${JSON.stringify(answer)}`);
    const { batch } = answer.result;
    const page = buildMaskView(bundledTokenizer(), EXAMPLES, DEFAULT_FORMATTING, BUNDLED_MODEL_MASKING).examples;
    expect(batch.first).toBe(10);
    page.forEach((v, k) => {
      const [from, to] = [batch.tokens.offsets[k], batch.tokens.offsets[k + 1]];
      expect(Array.from(batch.tokens.inputIds.subarray(from, to))).toEqual(v.inputIds);
      expect(Array.from(batch.tokens.labels.subarray(from, to))).toEqual(v.labels);
      expect(batch.trained[k]).toBe(v.trainedCount);
      expect(batch.templateNotFound[k]).toBe(v.warnings.some((w) => w.code === "template-not-found") ? 1 : 0);
      expect(batch.textHashes[k]).toBe(textHash(v.text));
    });
    expect(page[0].trainedCount).toBeGreaterThan(0);
    expect(batch.textHashes[0]).toBe(batch.textHashes[2]);
    expect(batch.textHashes[0]).not.toBe(batch.textHashes[1]);
  });

  it("keeps the tokenizer it was sent, and says so when asked for one it does not have", async () => {
    await send(tokenize("bundled-2", true));
    const [again] = await send(tokenize("bundled-2", false));
    expect(again).toMatchObject({ type: "reply" });
    const [unknown] = await send(tokenize("another", false));
    expect(unknown.type === "error" && unknown.message).toMatch(
      /Tokenizing examples failed in the dataset worker: the worker has no tokenizer "another"/,
    );
  });
});
