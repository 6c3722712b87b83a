// Downloading one file: the body is read as a stream so progress can be reported, checked as it
// arrives (Content-Length, HTML, safetensors header) and handed to the cache, which stores it only
// if the stream ends without error. Weights therefore go from the network to the cache without a
// full copy in memory; JSON files are small and are parsed before they are stored.
import { HubError, describeFile } from "./errors";
import type { HubCache } from "./hubCache";
import { hubRequest, httpError, sizeOf, transportError, whereOf, type HubRepo } from "./hubHttp";
import type { ProgressTracker } from "./progress";
import { SafetensorsBodyCheck, htmlError, looksLikeHtml, parseJsonFile } from "./verify";

/** What a finished download planned for this file, so the progress total can be corrected. */
export interface PlannedFile {
  file: string;
  /** Size from HEAD, or null when the server did not say. */
  size: number | null;
}

async function openBody(repo: HubRepo, planned: PlannedFile, tracker: ProgressTracker): Promise<Response> {
  const res = await hubRequest(repo, planned.file, "GET");
  if (!res.ok) throw httpError(repo, planned.file, res, "It was there a moment ago; retry.");
  const length = sizeOf(res);
  if (planned.size === null && length !== null) tracker.growTotal(length);
  return res;
}

/** The response body, counted and checked chunk by chunk; errors the stream on the first problem. */
function checkedBody(repo: HubRepo, file: string, res: Response, tracker: ProgressTracker, check: SafetensorsBodyCheck | null) {
  const expected = sizeOf(res);
  const reader = (res.body ?? new Blob([]).stream()).getReader();
  let received = 0;
  let failure: HubError | null = null;
  const where = whereOf(repo, file);
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, err: unknown) => {
    failure = err instanceof HubError ? err : new HubError("cache", `Checking ${describeFile(where)} failed: ${String(err)}.`, where);
    controller.error(failure);
    reader.cancel().catch(() => {});
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        return fail(controller, transportError(repo, file, err, { bytes: received, of: expected }));
      }
      try {
        if (chunk.done) {
          if (expected !== null && received < expected) {
            throw new HubError(
              "truncated",
              `${describeFile(where)} is truncated: the server announced ${expected} bytes but the body ended after ${received}. ` +
                `Download it again.`,
              where,
            );
          }
          check?.finish(received);
          tracker.flush(file);
          controller.close();
          return;
        }
        received += chunk.value.length;
        tracker.add(file, chunk.value.length);
        check?.feed(chunk.value);
        controller.enqueue(chunk.value);
      } catch (err) {
        fail(controller, err);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  // failure: the HubError that ended the stream, if one did (a cache may rethrow a different error).
  return { stream, failure: (): HubError | null => failure };
}

export function cacheError(repo: HubRepo, file: string, err: unknown): HubError {
  const where = whereOf(repo, file);
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === "QuotaExceededError") {
    return new HubError(
      "quota",
      `The browser refused to store ${describeFile(where)}: its storage quota is full (${message}). Free space (remove other ` +
        `downloaded models or site data) or pick a smaller model.`,
      where,
    );
  }
  return new HubError(
    "cache",
    `Storing ${describeFile(where)} in the download cache failed (${message}). Reload the page and retry.`,
    where,
  );
}

/** Downloads, checks and parses a JSON file, then caches it. Returns the parsed value. */
export async function downloadJson(repo: HubRepo, cache: HubCache, planned: PlannedFile, tracker: ProgressTracker): Promise<unknown> {
  const res = await openBody(repo, planned, tracker);
  const body = checkedBody(repo, planned.file, res, tracker, null);
  const bytes = new Uint8Array(
    await new Response(body.stream).arrayBuffer().catch((err) => {
      throw body.failure() ?? err;
    }),
  );
  const where = whereOf(repo, planned.file);
  const value = parseJsonFile(bytes, res.headers.get("content-type"), where);
  await cache.put(where.url, new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()).catch((err) => {
    throw cacheError(repo, planned.file, err);
  });
  return value;
}

/** Streams a safetensors file into the cache, checking it on the way, and returns the cached Blob. */
export async function downloadWeights(repo: HubRepo, cache: HubCache, planned: PlannedFile, tracker: ProgressTracker): Promise<Blob> {
  const where = whereOf(repo, planned.file);
  const url = where.url;
  const res = await openBody(repo, planned, tracker);
  if (looksLikeHtml(res.headers.get("content-type"), new Uint8Array(0))) {
    res.body?.cancel().catch(() => {});
    throw htmlError(where, "a safetensors file");
  }
  const body = checkedBody(repo, planned.file, res, tracker, new SafetensorsBodyCheck(where, sizeOf(res) ?? planned.size));
  await cache.put(url, body.stream).catch((err) => {
    throw body.failure() ?? cacheError(repo, planned.file, err);
  });
  const blob = await cache.get(url);
  if (!blob) throw cacheError(repo, planned.file, new Error("the file was stored but cannot be read back"));
  return blob;
}
