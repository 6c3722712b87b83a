// Dataset worker entry: every message goes to handleDatasetRequest (src/core/dataset/workerProtocol.ts),
// every reply goes back to the page. Reading a file of hundreds of MB happens here, off the page.
import { handleDatasetRequest, type DatasetWorkerReply, type DatasetWorkerRequest } from "../src/core/dataset/workerProtocol";

const post = (reply: DatasetWorkerReply) => self.postMessage(reply);

self.onmessage = (e: MessageEvent<DatasetWorkerRequest>) => {
  // A rejection would die quietly inside the worker; rethrown from a task, it reaches the page's
  // worker.onerror, which tells the user the read stopped.
  handleDatasetRequest(e.data, post).catch((err: unknown) => setTimeout(() => { throw err; }));
};
