// The texts of the mails: confirmation (double opt-in), a single alert, and a digest. Every alert
// mail carries a one-click unsubscribe link in the body and in List-Unsubscribe (RFC 8058).
import type { AlertEvent } from "../../../common/alerts.ts";
import { meanText } from "./alert-view.ts";

export interface MailContent {
  subject: string;
  text: string;
  headers: Record<string, string>;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * The alert's state in plain words (issue #19: "active", "resolved", not monitoring jargon such as
 * "firing"), as the dashboard says it; the webhook's machine-readable types keep the wire names.
 */
function stateLabel(e: AlertEvent): string {
  if (e.reminder) return "STILL ACTIVE";
  // A firing alert whose severity rose: a stricter standard joined the ones it found breached.
  if (e.state === "firing" && e.previousState === "firing") return "ESCALATED";
  return e.state === "resolved" ? "RESOLVED" : "ACTIVE";
}

/** "Value: rolling 30-day mean of 3,457 values: 45 ng/L", "Value: 160 ng/L (single value)": what the number is. */
function valueLine(e: AlertEvent): string | null {
  if (e.value === null) return null;
  const quantity = `${e.value} ${e.unit ?? ""}`.trim();
  if (e.valueKind === "mean") return `Value: ${meanText(e.meanWindowMs, e.meanCount)}: ${quantity}`;
  if (e.valueKind === "rate") return `Value: ${quantity} (rate of change)`;
  if (e.valueKind === "single") return `Value: ${quantity} (single value)`;
  if (e.valueKind === "lab" && e.labSample) return `Value: ${quantity} (lab result, sample ${e.labSample.sampleId}, ${e.labSample.laboratory})`;
  if (e.valueKind === "difference") return `Value: ${e.value > 0 ? "+" : ""}${e.value} % (sensor minus lab, relative to the lab value; latest of ${e.meanCount ?? "?"} pairs)`;
  return `Value: ${quantity}`;
}

/** Every standard a grouped alert found breached, with its source and legal status (issue #19). */
function standardLines(e: AlertEvent): string | null {
  if (e.breaches.length <= 1) return e.standard ? `Standard: ${e.standard.kind} ${e.standard.source}: ${e.standard.sourceText}` : null;
  const unit = e.unit ? ` ${e.unit}` : "";
  const lines = e.breaches.map((b) => {
    const s = b.standard;
    const limit = b.low !== null && b.high !== null ? `${b.low}–${b.high}${unit}` : b.threshold === null ? "" : `${b.threshold}${unit}`;
    const what = s ? `${s.kind} ${s.source} (${s.legalStatus ?? "legal status unknown"})` : b.ruleName;
    return `  - ${what}${limit ? `: ${limit}` : ""}${b.clearedAt !== null ? ` (no longer breached since ${iso(b.clearedAt)})` : ""}${s ? `\n    ${s.sourceText}` : ""}`;
  });
  return `Standards breached (${e.breaches.length}):\n${lines.join("\n")}`;
}

function alertBlock(e: AlertEvent): string {
  const lines = [
    `${stateLabel(e)}: ${e.message}`,
    `Station: ${e.stationName} (${e.station})`,
    e.parameter ? `Parameter: ${e.parameter}` : null,
    e.sensor ? `Sensor: ${e.sensor}` : null,
    valueLine(e),
    standardLines(e),
    `Severity: ${e.severity}`,
    `Started: ${iso(e.startedAt)}`,
    e.state === "resolved" && e.resolvedAt !== null ? `Resolved: ${iso(e.resolvedAt)}` : null,
    `Open: ${e.link}`,
  ];
  return lines.filter((l) => l !== null).join("\n");
}

function unsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return { "List-Unsubscribe": `<${unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

export function confirmationMail(confirmUrl: string): MailContent {
  return {
    subject: "[Water Monitor] Confirm your alert subscription",
    text:
      "Someone (hopefully you) subscribed this address to Water Monitor alerts.\n\n" +
      `To confirm, open this link and press "Confirm":\n${confirmUrl}\n\n` +
      "If you did not ask for this, ignore this mail: nothing will be sent without confirmation.\n",
    headers: {},
  };
}

export function alertMail(e: AlertEvent, unsubscribeUrl: string): MailContent {
  return {
    subject: `[Water Monitor] ${stateLabel(e)}: ${e.message}`,
    text: `${alertBlock(e)}\n\n--\nUnsubscribe: ${unsubscribeUrl}\n`,
    headers: unsubscribeHeaders(unsubscribeUrl),
  };
}

export function digestMail(events: AlertEvent[], unsubscribeUrl: string): MailContent {
  const firing = events.filter((e) => e.state === "firing").length;
  return {
    subject: `[Water Monitor] Digest: ${events.length} alert notice(s), ${firing} active`,
    text: `${events.map(alertBlock).join("\n\n")}\n\n--\nUnsubscribe: ${unsubscribeUrl}\n`,
    headers: unsubscribeHeaders(unsubscribeUrl),
  };
}
