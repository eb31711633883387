import { describe, expect, it } from "vitest";
import { displayUrl, scrubUrls } from "../../server/src/util/safe-url.ts";

describe("displayUrl", () => {
  it.each([
    ["http://monitor:s3cret@influx.example.org:8086/?token=abc", "influx.example.org:8086"],
    ["https://influx.example.org/db?u=monitor&p=s3cret", "influx.example.org:443"],
    ["http://127.0.0.1:8086", "127.0.0.1:8086"],
    ["http://[::1]:8086/", "[::1]:8086"],
    ["smtp://mailer:s3cret@mail.example.org:587", "mail.example.org:587"],
    ["not a url s3cret", "(unparseable URL)"],
  ])("shows %s as %s", (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });

  it("keeps the scheme on request, still without credentials", () => {
    expect(displayUrl("ftp://u:s3cret@db:2121/x?y=1", { withScheme: true })).toBe("ftp://db:2121");
  });
});

describe("scrubUrls", () => {
  it.each([
    ["request to http://monitor:s3cret@influx:8086/query?q=SHOW failed", "request to influx:8086 failed"],
    ['{"url":"https://a:b@x.org/p?t=1"}', '{"url":"x.org:443"}'],
    ["connect ECONNREFUSED 127.0.0.1:8086", "connect ECONNREFUSED 127.0.0.1:8086"],
  ])("turns %s into %s", (text, scrubbed) => {
    expect(scrubUrls(text)).toBe(scrubbed);
  });
});
