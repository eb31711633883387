// A recording HTTP proxy on 127.0.0.1: forwards every request to `target` unchanged and keeps the
// method and URL of each, so a test sees exactly what Water Monitor asked of a server. Request
// headers named in `dropHeaders` are not forwarded (a server that does not know them). A request
// whose body `fail` picks is answered by the recorder itself with what `fail` returns (a server
// failing one request among several), and not forwarded.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpRecorder {
  url: string;
  /** Method and path with query string of every request so far, in order. */
  requests: Array<{ method: string; url: string; accept?: string; answeredAs?: string; failed?: true }>;
  close(): Promise<void>;
}

export interface FailedAnswer {
  status: number;
  body: unknown;
}

export async function startHttpRecorder(
  target: string,
  options: { dropHeaders?: readonly string[]; fail?: (body: string) => FailedAnswer | undefined } = {},
): Promise<HttpRecorder> {
  const to = new URL(target);
  const requests: HttpRecorder["requests"] = [];
  const server = createServer((req, res) => {
    const seen: HttpRecorder["requests"][number] = { method: req.method ?? "", url: req.url ?? "", ...(req.headers.accept !== undefined && { accept: req.headers.accept }) };
    requests.push(seen);
    const headers = { ...req.headers };
    for (const name of options.dropHeaders ?? []) delete headers[name.toLowerCase()];
    const forwarded = (body: Buffer | NodeJS.ReadableStream): void => {
      const forward = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (answer) => {
        if (answer.headers["content-type"] !== undefined) seen.answeredAs = answer.headers["content-type"];
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      if (Buffer.isBuffer(body)) forward.end(body);
      else body.pipe(forward);
    };
    const fail = options.fail;
    if (!fail) return forwarded(req);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const failed = fail(body.toString());
      if (!failed) return forwarded(body);
      seen.failed = true;
      res.writeHead(failed.status, { "content-type": "application/json" });
      res.end(JSON.stringify(failed.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
