// POST of a line-protocol body to InfluxDB's /write over node:http(s) with a keep-alive agent. The
// Buffer goes to the socket as it is; fetch wrapped it in a web stream and copied it, which showed in
// `npm run bench` profiles of ingest (issue #20) as more CPU per reading than the write's own work.
import http from "node:http";
import https from "node:https";

export interface WriteAnswer {
  status: number;
  /** The answer's body; "" for 204. */
  text: string;
}

/** The request failed on a reused connection before any answer. */
class StaleConnectionError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

export class WriteRequests {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(base: URL) {
    const tls = base.protocol === "https:";
    this.request = tls ? https.request : http.request;
    // Several writes are in flight at once (batch-writer.ts WRITE_CONCURRENCY): each keeps its connection.
    // An idle kept-alive socket is unref'd by the agent: it holds no process open.
    this.agent = tls ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /**
   * Posts `body` to `url`. Rejects as fetch does when there is no answer: with the signal's reason
   * (a TimeoutError or AbortError) when it was aborted, else with the socket's error (its `code`).
   */
  async post(url: string, headers: Readonly<Record<string, string>>, body: Buffer, signal: AbortSignal): Promise<WriteAnswer> {
    try {
      return await this.postOnce(url, headers, body, signal);
    } catch (err) {
      // A kept-alive connection InfluxDB (or a proxy) closed while idle fails the next request sent
      // on it before any answer: sent again once on a new connection (a write of the same points is
      // idempotent in InfluxDB), as Node's documentation of `request.reusedSocket` advises.
      if (!(err instanceof StaleConnectionError) || signal.aborted) throw err instanceof StaleConnectionError ? err.cause : err;
      return this.postOnce(url, headers, body, signal, true);
    }
  }

  private postOnce(url: string, headers: Readonly<Record<string, string>>, body: Buffer, signal: AbortSignal, retried = false): Promise<WriteAnswer> {
    return new Promise<WriteAnswer>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const req = this.request(url, { method: "POST", agent: this.agent, headers: { ...headers, "content-length": String(body.length) } });
      const onAbort = () => req.destroy(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
      const done = () => signal.removeEventListener("abort", onAbort);
      req.on("error", (err: NodeJS.ErrnoException) => {
        done();
        if (signal.aborted) return reject(signal.reason as Error);
        const stale = !retried && req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE");
        reject(stale ? new StaleConnectionError(err) : err);
      });
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        if (status === 204) {
          res.resume();
          res.on("end", done);
          return resolve({ status, text: "" });
        }
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", () => {
          done();
          resolve({ status, text: Buffer.concat(chunks).toString() });
        });
        res.on("end", () => {
          done();
          resolve({ status, text: Buffer.concat(chunks).toString() });
        });
      });
      req.end(body);
    });
  }
}
