// An audit entry in the reader's words: the action and the record by name, and its detail as
// "label: value" lines, a change as "label: old → new" (the stored JSON stays as written).

import { formatFen } from "../../src/domain/money";
import { formatInstant } from "../../src/domain/time";
import { known, type T } from "../i18n";

// what the filter offers: the actions and records the services write
export const AUDIT_ACTIONS = [
  "view",
  "create",
  "update",
  "send",
  "acknowledge",
  "confirm",
  "partial",
  "reject",
  "fail",
  "renew",
  "release",
  "discard",
  "status",
  "outcome",
  "claim",
  "merge",
  "urge",
  "escalate",
  "remind",
  "follow_up",
  "follow_up_done",
  "provider_status",
  "export",
  "approve",
  "withdraw",
  "open",
  "rotate",
  "revoke",
  "sign_in",
  "sign_out",
] as const;
export const AUDIT_ENTITIES = [
  "case",
  "suspect",
  "target",
  "warning",
  "request",
  "return_plan",
  "return_objection",
  "import",
  "stats",
  "supervision",
  "publicity",
  "publicity_visits",
  "outbox",
  "user",
  "api_token",
  "district",
  "signing_key",
] as const;

export const actionLabel = (t: T, action: string) =>
  known(t, `audit.act.${action}`) ?? known(t, `requests.action.${action}`) ?? action;
export const entityLabel = (t: T, entity: string) => known(t, `audit.ent.${entity}`) ?? entity;

// where a field's coded value has its words, by field (and for a status, by record)
const STATUS_BY_ENTITY: Record<string, string> = {
  request: "requests.status",
  case: "cases.state",
  suspect: "suspects.state",
  warning: "call.status",
};
const VALUE_PREFIXES: Record<string, string[]> = {
  kind: ["requests.kind", "imports.kind"],
  requestKind: ["requests.kind"],
  fraudType: ["cases.fraud"],
  riskGrade: ["targets.grade"],
  riskLevel: ["suspects.risk"],
  role: ["role"],
  channel: ["targets.channel"],
  outcome: ["targets.outcome", "targets.followUp.outcome", "suspects.outcome"],
  source: ["targets.source", "suspects.source"],
  table: ["stats.table", "supervision.table", "publicity.table"],
  reasonCode: ["requests.rejectCode"],
  via: ["audit.v.via"],
  approval: ["audit.v.approval"],
  method: ["audit.v.method"],
  term: ["terms.term"],
  scope: ["terms.scope"],
};

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function value(t: T, key: string, v: unknown, entity: string, institutions: Record<string, string>): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "boolean") return t(v ? "common.yes" : "common.no");
  if (Array.isArray(v)) return v.map((x) => value(t, key, x, entity, institutions)).join("、");
  if (typeof v === "object")
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${field(t, k)} ${value(t, k, x, entity, institutions)}`)
      .join("，");
  if (typeof v === "number") {
    if (key.endsWith("Fen")) return formatFen(v);
    if (/(At|until)$/.test(key) && v > 1e12) return formatInstant(v);
    return String(v);
  }
  const s = String(v);
  if (ISO.test(s)) return formatInstant(new Date(s));
  if (key === "institution") return institutions[s] ?? s;
  const prefixes =
    key === "status" || key === "from" || key === "to"
      ? STATUS_BY_ENTITY[entity]
        ? [STATUS_BY_ENTITY[entity]!]
        : []
      : (VALUE_PREFIXES[key] ?? []);
  for (const p of prefixes) {
    const w = known(t, `${p}.${s}`);
    if (w) return w;
  }
  // a changed-field list names the fields
  if (key === "changed") return field(t, s);
  return s;
}

// entries written before a field was renamed name it by its old name
const RENAMED: Record<string, string> = { rejectCode: "reasonCode" };
const field = (t: T, key: string) => known(t, `audit.f.${RENAMED[key] ?? key}`) ?? known(t, `field.${key}`) ?? key;

/** The detail of an entry as lines; a from/to pair is one "label: old → new" line. */
export function detailLines(
  t: T,
  entity: string,
  detail: string | null,
  institutions: Record<string, string> = {},
): string[] {
  if (!detail) return [];
  let d: unknown;
  try {
    d = JSON.parse(detail);
  } catch {
    return [detail];
  }
  if (d === null || typeof d !== "object" || Array.isArray(d)) return [value(t, "", d, entity, institutions)];
  const o = d as Record<string, unknown>;
  const lines: string[] = [];
  if ("from" in o || "to" in o) {
    // a record's status moves; an export or a list covers a period
    const label = STATUS_BY_ENTITY[entity] ? t("audit.f.status") : t("audit.f.period");
    lines.push(
      `${label}${t("common.colon")}${value(t, "from", o.from, entity, institutions)} → ${value(t, "to", o.to, entity, institutions)}`,
    );
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === "from" || k === "to" || v === undefined || v === null) continue;
    lines.push(`${field(t, k)}${t("common.colon")}${value(t, k, v, entity, institutions)}`);
  }
  return lines;
}

/** Who acted: a person or token by name, the system's parts in words. */
export function actorLabel(t: T, actor: string): string {
  if (actor === "anonymous") return t("audit.anonymous");
  if (actor.startsWith("system:")) return known(t, `audit.sys.${actor.slice(7)}`) ?? t("audit.system");
  return actor;
}

/** Where from: an address, or the system part that acted without one. */
export function originLabel(t: T, ip: string | null): string {
  if (!ip) return "—";
  if (ip === "cli") return t("audit.v.via.cli");
  if (ip.startsWith("job:")) return t("audit.system");
  return ip;
}
