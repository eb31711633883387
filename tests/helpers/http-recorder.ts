// A recording HTTP proxy on 127.0.0.1: forwards every request to `target` unchanged and keeps the
// method and URL of each, so a test sees exactly what Water Monitor asked of a server.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpRecorder {
  url: string;
  /** Method and path with query string of every request so far, in order. */
  requests: Array<{ method: string; url: string }>;
  close(): Promise<void>;
}

export async function startHttpRecorder(target: string): Promise<HttpRecorder> {
  const to = new URL(target);
  const requests: HttpRecorder["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "" });
    const forward = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
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
