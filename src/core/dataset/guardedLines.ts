// The lines of a streamed file (JSONL, CSV, TSV) with what every streamed reader must do around
// them: report progress, stop past the size limit, and stop when cancelled, each with its message.
import { formatBytes, readLines, type ByteSource, type LineEvent } from "./bytes";
import type { Collector } from "./collector";

export async function* guardedLines(source: ByteSource, c: Collector, maxBytes: number): AsyncGenerator<LineEvent> {
  let over = false;
  for await (const ev of readLines(source, (n) => {
    c.progress(n);
    over = n > maxBytes;
  })) {
    if (over) {
      c.fail(
        "too-large",
        `the file is larger than the ${formatBytes(maxBytes)} limit for streamed files; stopped before line ${ev.line} with ${c.examplesTotal} examples read`,
        { line: ev.line },
      );
      return;
    }
    if (c.aborted) {
      c.fail("unreadable", `reading was cancelled before line ${ev.line}`, { line: ev.line });
      return;
    }
    yield ev;
  }
  // The limit can be crossed by the bytes after the last complete line.
  if (over) c.fail("too-large", `the file is larger than the ${formatBytes(maxBytes)} limit for streamed files`, { line: 0, column: 0 });
}
