// Model export worker entry: "start" plans the merge (engine/export/exportSession.ts), each "pull"
// answers with the next chunk. The page terminates the worker to cancel.
import type { FromModelExportWorker, ToModelExportWorker } from "../src/core/export/modelExportProtocol";
import { startExport, type ExportSession } from "../src/engine/export/exportSession";

let session: Promise<ExportSession> | null = null;

/** A chunk that owns its whole buffer moves to the page instead of being copied. */
const post = (msg: FromModelExportWorker) => {
  const b = msg.type === "chunk" ? msg.bytes : null;
  const own = b && b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
  self.postMessage(msg, own ? [b.buffer as ArrayBuffer] : []);
};

self.onmessage = async (e: MessageEvent<ToModelExportWorker>) => {
  const msg = e.data;
  switch (msg.type) {
    case "start":
      session = startExport(msg.job);
      session.catch((err: Error) => post({ type: "error", message: err.message }));
      return;
    case "pull":
      if (!session) return post({ type: "error", message: "The export worker was asked for bytes before an export started." });
      try {
        post(await (await session).next());
      } catch {
        // startExport's failure was posted when it happened.
      }
      return;
    default: {
      const _: never = msg;
      return _;
    }
  }
};
