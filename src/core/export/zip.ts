// The page's export as one .zip, built with fflate's streaming Zip: each file is fed chunk by chunk
// (a dataset line by line), so no file is ever held as one string; the compressed parts are
// collected for one Blob. fflate because it is small (8 kB), dependency-free and streams.
import { Zip, ZipDeflate, strToU8 } from "fflate";
import { fileChunks, type ExportFile } from "./index";

/** The zip's bytes, as the parts fflate produced (the page wraps them in one Blob). */
export function zipExport(folder: string, files: readonly ExportFile[]): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, chunk, final) => {
      if (err) return reject(new Error(`Could not build the export zip: ${err.message}. Try again, or export from the CLI.`));
      parts.push(chunk);
      if (final) resolve(parts);
    });
    for (const file of files) {
      const entry = new ZipDeflate(`${folder}/${file.path}`, { level: 6 });
      zip.add(entry);
      for (const chunk of fileChunks(file)) entry.push(typeof chunk === "string" ? strToU8(chunk) : chunk);
      entry.push(new Uint8Array(0), true);
    }
    zip.end();
  });
}
