// The page's half of the worker envelope (src/core/workerEnvelope.ts), shared by the training and
// dataset bridges: a fresh id per request and one promise per id, resolved by its reply, rejected by
// its error, and rejected when the worker stops, so no call waits for an answer that cannot come.
import { errorMessage, type Answer, type Envelope } from "../core/workerEnvelope";

/** A call given up because its worker stopped (crashed, or was terminated) before answering. */
export class WorkerStoppedError extends Error {
  override name = "WorkerStoppedError";
  constructor(
    message: string,
    /** Why the worker stopped, on its own ("it crashed: out of memory"), for a caller that words its own message. */
    readonly reason: string,
  ) {
    super(message);
  }
}

interface Pending<Result> {
  what: string;
  resolve(result: Result): void;
  reject(err: Error): void;
}

export class PendingCalls<Result> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Result>>();

  /**
   * Posts `request` to `worker` in the envelope with a fresh id (`what` names it in errors: "loading
   * the model"); `answered` settles with its answer. A post the browser refuses fails the call with
   * `unsent(why)`.
   */
  send<Request>(
    worker: Worker,
    request: Request,
    what: string,
    unsent: (why: string) => string,
    transfer: Transferable[] = [],
  ): { id: number; answered: Promise<Result> } {
    const id = this.nextId++;
    const answered = new Promise<Result>((resolve, reject) => this.pending.set(id, { what, resolve, reject }));
    try {
      worker.postMessage({ id, request } satisfies Envelope<Request>, transfer);
    } catch (err) {
      this.fail(id, unsent(errorMessage(err)));
    }
    return { id, answered };
  }

  /** Settles the call `answer` is for; a late answer, after its call was given up, settles nothing. */
  settle(answer: Answer<Result>): void {
    const call = this.take(answer.id);
    if (answer.type === "reply") call?.resolve(answer.result);
    else call?.reject(new Error(answer.message));
  }

  /** Rejects one call with `message` (its request could not be posted, or its answer was unreadable). */
  fail(id: number, message: string): boolean {
    const call = this.take(id);
    call?.reject(new Error(message));
    return call !== undefined;
  }

  /** Rejects every waiting call: the worker is gone, because of `reason`; `message(what)` says so for each call. */
  failAll(reason: string, message: (what: string) => string): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(new WorkerStoppedError(message(call.what), reason));
  }

  private take(id: number): Pending<Result> | undefined {
    const call = this.pending.get(id);
    this.pending.delete(id);
    return call;
  }
}
