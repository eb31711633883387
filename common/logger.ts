import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export type LogFormat = "json" | "pretty";

/**
 * Structured logs. JSON lines by default (for log shippers); "pretty" gives people at a terminal
 * readable lines with local times (npm start picks it when stdout is a terminal).
 */
export function createLogger(level: string, name = "water-monitor", format: LogFormat = "json"): Logger {
  const options = { name, level, base: { pid: process.pid } };
  if (format === "pretty") {
    return pino(options, pretty({ colorize: true, translateTime: "SYS:yyyy-mm-dd HH:MM:ss", ignore: "pid,hostname,name", sync: true }));
  }
  return pino(options);
}
