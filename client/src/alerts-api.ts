// Typed calls for alerts, alert rules, subscriptions and the in-app inbox
// (server/src/alerts/alert-routes.ts and subscription-routes.ts). Every change goes through
// ApiClient.send, which adds the session's CSRF header.
import type {
  AlertEvent,
  AlertGrouping,
  AlertHistoryEntry,
  AlertInfo,
  AlertRule,
  AlertRulesResponse,
  AlertSeverity,
  AlertsResponse,
  AlertState,
  NotifyChannel,
  Subscription,
} from "../../common/alerts.ts";
import type { Silence, SilencesResponse } from "../../common/silences.ts";
import type { ApiClient } from "./api.ts";

export interface AlertFilter {
  station?: string;
  parameter?: string;
  state?: AlertState;
}

export interface AlertDetail extends AlertInfo {
  history: AlertHistoryEntry[];
}

export interface SubscriptionRequest {
  stations: string[];
  parameters: string[];
  severities: AlertSeverity[];
  channel: NotifyChannel;
  webhookUrl?: string;
  email?: string;
}

/** As created: a webhook's signing secret is in this one answer and nowhere else. */
export interface CreatedSubscription {
  subscription: Subscription;
  secret?: string;
}

export interface InboxEntry {
  id: number;
  alertId: number | null;
  event: AlertEvent;
  createdAt: number;
}

export class AlertsApi {
  constructor(private readonly api: ApiClient) {}

  async alerts(filter: AlertFilter, signal?: AbortSignal): Promise<AlertInfo[]> {
    const q = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) q.set(key, value);
    const search = [...q].length ? `?${q}` : "";
    return (await this.api.get<AlertsResponse>(`/api/v1/alerts${search}`, signal)).alerts;
  }

  alert(id: number, signal?: AbortSignal): Promise<AlertDetail> {
    return this.api.get(`/api/v1/alerts/${id}`, signal);
  }

  acknowledge(id: number, comment: string): Promise<AlertInfo> {
    return this.api.send("POST", `/api/v1/alerts/${id}/ack`, { comment });
  }

  async rules(signal?: AbortSignal): Promise<AlertRule[]> {
    return (await this.api.get<AlertRulesResponse>("/api/v1/alert-rules", signal)).rules;
  }

  async subscriptions(): Promise<Subscription[]> {
    return (await this.api.get<{ subscriptions: Subscription[] }>("/api/v1/subscriptions")).subscriptions;
  }

  createSubscription(req: SubscriptionRequest): Promise<CreatedSubscription> {
    return this.api.send("POST", "/api/v1/subscriptions", req);
  }

  deleteSubscription(id: number): Promise<void> {
    return this.api.send("DELETE", `/api/v1/subscriptions/${id}`);
  }

  async inbox(): Promise<InboxEntry[]> {
    return (await this.api.get<{ notifications: InboxEntry[] }>("/api/v1/notifications")).notifications;
  }

  /** Changes how a rule's alerts are counted (the only rule setting the dashboard edits). */
  setRuleGrouping(id: number, grouping: AlertGrouping): Promise<AlertRule> {
    return this.api.send("PATCH", `/api/v1/alert-rules/${id}`, { grouping });
  }

  async silences(signal?: AbortSignal): Promise<SilencesResponse["silences"]> {
    return (await this.api.get<SilencesResponse>("/api/v1/silences", signal)).silences;
  }

  createSilence(req: SilenceRequest): Promise<Silence> {
    return this.api.send("POST", "/api/v1/silences", req);
  }

  expireSilence(id: number): Promise<Silence> {
    return this.api.send("POST", `/api/v1/silences/${id}/expire`);
  }
}

export interface SilenceRequest {
  station: string | null;
  parameter: string | null;
  ruleId: number | null;
  startsAt: number;
  endsAt: number;
  comment: string;
  confirmMatchAll: boolean;
}
