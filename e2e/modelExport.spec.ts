// Taking the model out: a finished default run downloads as the merged Hugging Face folder (a zip whose
// model.safetensors has a safetensors header) and as GGUF ("GGUF" magic, version 3, with an Ollama
// Modelfile beside it). The merged folder goes through the browser's download; the GGUF through a
// file picked with showSaveFilePicker (stubbed here to record what is written), as Chrome does it.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";
import { finishedShortRun } from "./shortRun";

test("a finished run downloads merged (safetensors) and as GGUF", async ({ page }) => {
  test.setTimeout(240_000);
  await page.addInitScript(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  const row = await finishedShortRun(page);

  // Merged: no picker, so a download of the folder as a zip.
  const [download] = await Promise.all([page.waitForEvent("download"), row.getByTestId("export-merged").click()]);
  expect(download.suggestedFilename()).toBe("playground-run-1-merged.zip");
  const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const names = Object.keys(entries).sort();
  for (const f of ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "README.md"])
    expect(names).toContain(`playground-run-1/${f}`);
  const st = entries["playground-run-1/model.safetensors"];
  const n = Number(new DataView(st.buffer, st.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(strFromU8(st.subarray(8, 8 + n)));
  expect(header).toHaveProperty(["model.embed_tokens.weight", "dtype"]);
  expect(header["model.layers.0.self_attn.q_proj.weight"].shape).toEqual([128, 128]);
  expect(JSON.parse(strFromU8(entries["playground-run-1/config.json"])).architectures).toEqual(["LlamaForCausalLM"]);
  await expect(row.getByTestId("export-merged")).toBeVisible();

  // GGUF: a picked file, written chunk by chunk; the Modelfile comes as a download.
  await page.evaluate(() => {
    const w = window as unknown as { showSaveFilePicker: unknown; written: number[][]; savedAs: string | null };
    w.written = [];
    w.savedAs = null;
    w.showSaveFilePicker = async ({ suggestedName }: { suggestedName: string }) => ({
      createWritable: async () => ({
        write: async (b: Uint8Array) => void w.written.push(Array.from(b.subarray(0, 8))),
        close: async () => void (w.savedAs = suggestedName),
        abort: async () => {},
      }),
    });
  });
  await row.getByTestId("gguf-type").selectOption("q8_0");
  const [modelfile] = await Promise.all([page.waitForEvent("download"), row.getByTestId("export-gguf").click()]);
  expect(modelfile.suggestedFilename()).toBe("Modelfile");
  expect(readFileSync(await modelfile.path(), "utf8")).toMatch(/^FROM \.\/playground-run-1\.gguf$/m);
  const got = await page.evaluate(() => {
    const w = window as unknown as { written: number[][]; savedAs: string | null };
    return { first: w.written[0], chunks: w.written.length, closed: w.savedAs };
  });
  expect(got.closed).toBe("playground-run-1.gguf");
  expect(String.fromCharCode(...got.first.slice(0, 4))).toBe("GGUF");
  expect(new DataView(new Uint8Array(got.first).buffer).getUint32(4, true)).toBe(3);
  // The header, then a chunk per tensor (and alignment padding): the file was written as it was made.
  expect(got.chunks).toBeGreaterThan(30);

  // Cancel: a disk that stops taking bytes holds the export at its first chunk; cancel ends it and discards the file.
  await page.evaluate(() => {
    const w = window as unknown as { showSaveFilePicker: unknown; aborted: boolean };
    w.aborted = false;
    w.showSaveFilePicker = async () => ({
      createWritable: async () => ({
        write: () => new Promise(() => {}),
        close: async () => {},
        abort: async () => void (w.aborted = true),
      }),
    });
  });
  await row.getByTestId("export-gguf").click();
  await expect(row.getByTestId("model-export-progress")).toBeVisible();
  await row.getByTestId("model-export-cancel").click();
  await expect(row.getByTestId("export-gguf")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { aborted: boolean }).aborted)).toBe(true);
});
