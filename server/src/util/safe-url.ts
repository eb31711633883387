// URLs as they may appear in messages, log lines, health bodies and live events: host and port only.
// INFLUX_URL, SMTP_URL, DATABASE_URL and REDIS_URL carry credentials (user:password@, as the README shows) and may carry
// tokens in their query string; a status message built from the whole URL once sent an InfluxDB
// password to every anonymous dashboard visitor. Everything that names a URL goes through here.

const DEFAULT_PORTS: Readonly<Record<string, string>> = { "http:": "80", "https:": "443", "smtp:": "587", "smtps:": "465", "postgres:": "5432", "postgresql:": "5432", "redis:": "6379", "rediss:": "6379" };

/**
 * `host:port` of a URL (IPv6 hosts in brackets); never its credentials, path or query string.
 * `withScheme` prefixes `scheme://`, for messages where the scheme is the point (a config error).
 */
export function displayUrl(url: string | URL, options: { withScheme?: boolean } = {}): string {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : url;
  } catch {
    return "(unparseable URL)";
  }
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol];
  const hostPort = port ? `${parsed.hostname}:${port}` : parsed.hostname;
  return options.withScheme ? `${parsed.protocol}//${hostPort}` : hostPort;
}

// A scheme, "://", then everything up to whitespace or a quote/bracket that ends a URL in prose or JSON.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Free text (a library's error message) with every URL in it reduced to `host:port`. */
export function scrubUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => displayUrl(match));
}
