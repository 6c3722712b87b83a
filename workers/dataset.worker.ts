// Dataset worker entry: every message goes to handleDatasetMessage (src/core/dataset/workerProtocol.ts),
// which answers each request for its id; events and answers go back to the page. Reading a file of
// hundreds of MB happens here, off the page.
import { handleDatasetMessage, type FromDatasetWorker } from "../src/core/dataset/workerProtocol";

const post = (msg: FromDatasetWorker) => self.postMessage(msg);

self.onmessage = (e: MessageEvent<unknown>) => {
  // handleDatasetMessage turns every failure into an error reply; it can reject only when posting
  // itself fails. Rethrown from a task, that reaches the page's worker.onerror, which gives up the
  // read and tells the user, rather than dying quietly in here.
  handleDatasetMessage(e.data, post).catch((err: unknown) =>
    setTimeout(() => {
      throw err;
    }),
  );
};

// A message that could not be deserialized has no readable id; the page hears it as a protocol error.
self.onmessageerror = () =>
  post({ type: "protocol-error", message: "The dataset worker received a message it could not deserialize; reload the page." });
