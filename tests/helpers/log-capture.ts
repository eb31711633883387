// A real pino logger whose lines a test can read back: for checking what reaches the log (and what
// must never reach it, such as credentials).
import { pino } from "pino";
import type { Logger } from "../../common/logger.ts";

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, as JSON text. */
  lines: string[];
}

export function captureLog(level = "debug"): CapturedLog {
  const lines: string[] = [];
  const logger = pino({ name: "water-monitor", level }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}
