// Pieces every request screen shows: the kind, the status, the number as people read it, the
// traffic light with the time left, the history of a request.
import type { Child } from "hono/jsx";
import { normalizeIdentifier } from "../../src/domain/identifiers";
import { formatFen } from "../../src/domain/money";
import type { RequestKind, RequestStatus } from "../../src/domain/requests";
import { type DeadlineConfig, isInForce, trafficLight } from "../../src/domain/requests";
import type { Issue } from "../../src/http/errors";
import type { HistoryRow, RequestDetail, RequestView } from "../../src/requests/read";
import { Light, nameOfInstitution, When } from "../components";
import type { Key, Lang, T } from "../i18n";
import { labelOr } from "../suspects/parts";

/** Account in groups of four, phone as dialled; the stored value if it no longer parses. */
export function displayValue(kind: "phone" | "bank_account", value: string): string {
  const n = normalizeIdentifier(value, kind);
  return n.ok ? n.display : value;
}

export function KindLabel(p: { t: T; kind: RequestKind }) {
  return <>{p.t(`requests.kind.${p.kind}`)}</>;
}

const STATUS_TONE: Record<string, string> = {
  rejected: "bad",
  failed: "bad",
  expired: "bad",
  lapsed: "bad",
  completed: "good",
  partially_completed: "good",
  discarded: "muted",
};

export function StatusPill(p: { t: T; status: RequestStatus }) {
  return (
    <span class={`pill ${STATUS_TONE[p.status] ?? ""}`} data-status={p.status}>
      {p.t(`requests.status.${p.status}`)}
    </span>
  );
}

export function institutionName(lang: Lang, r: Pick<RequestView, "instZh" | "instEn">): string {
  return lang === "zh" ? r.instZh : r.instEn;
}

/** 12 分钟 / 3 小时 / 20 天: coarse enough to read at a glance. */
function span(t: T, ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000));
  if (m < 120) return t("requests.minutes", { n: m });
  const h = Math.round(m / 60);
  return h < 72 ? t("requests.hours", { n: h }) : t("requests.days", { n: Math.round(h / 24) });
}

/** The light and the time it stands for: time to answer while open, time to run out while in force. */
export function DueCell(p: {
  t: T;
  r: Pick<RequestView, "kind" | "status" | "sentAt" | "deadlineAt" | "expiresAt">;
  now: number;
  cfg: DeadlineConfig;
}) {
  const { t, r, now } = p;
  const colour = trafficLight(r, now, p.cfg);
  let text = "";
  if (r.deadlineAt != null)
    text =
      r.deadlineAt > now
        ? t("requests.left", { t: span(t, r.deadlineAt - now) })
        : t("requests.over", { t: span(t, now - r.deadlineAt) });
  else if (isInForce(r.status) && r.expiresAt != null)
    text = t("requests.expiresIn", { t: span(t, r.expiresAt - now) });
  return (
    <span data-light={colour} title={t(`requests.light.${colour}`)}>
      <Light colour={colour} label={text} />
    </span>
  );
}

export function Money(p: { fen: number | null | undefined }) {
  return p.fen == null ? <span class="muted">—</span> : <>{formatFen(p.fen)}</>;
}

export function History(p: { t: T; rows: HistoryRow[] }) {
  const { t } = p;
  return (
    <table data-testid="request-history">
      <thead>
        <tr>
          <th>{t("field.at")}</th>
          <th>{t("common.actions")}</th>
          <th>{t("field.status")}</th>
          <th class="num">{t("field.amount")}</th>
          <th class="num">{t("field.balance")}</th>
          <th>{t("field.reason")}</th>
          <th>{t("requests.by")}</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((h) => (
          <tr>
            <td>
              <When at={h.at} />
            </td>
            <td>{t(`requests.action.${h.action}`)}</td>
            <td>
              {h.fromStatus === h.toStatus ? (
                <StatusPill t={t} status={h.toStatus} />
              ) : (
                <>
                  {t(`requests.status.${h.fromStatus}`)} → <StatusPill t={t} status={h.toStatus} />
                </>
              )}
            </td>
            <td class="num">
              <Money fen={h.amountFen} />
            </td>
            <td class="num">
              <Money fen={h.balanceFen} />
            </td>
            <td data-testid={h.reasonCode ? `reason-code-${h.reasonCode}` : undefined}>
              {h.reasonCode && <strong>{t(`requests.rejectCode.${h.reasonCode}`)}</strong>}
              {h.reasonCode && h.reason ? "：" : ""}
              {h.reason ?? ""}
            </td>
            <td>{h.by ?? <span class="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Onward = RequestDetail["onward"][number];

/** The onward transfers an answer revealed. The center links each account to its suspect and adds
 *  the level n+1 columns; a desk sees the bare table. */
export function OnwardTable(p: {
  t: T;
  rows: Onward[];
  linked?: boolean;
  more?: { heads: Child; cells: (o: Onward) => Child };
}) {
  const { t } = p;
  return (
    <>
      <h2>{t("requests.onward")}</h2>
      <table data-testid="onward">
        <thead>
          <tr>
            <th>{t("requests.onwardAccount")}</th>
            <th>{t("requests.onwardBank")}</th>
            <th class="num">{t("field.amount")}</th>
            <th>{t("requests.onwardAt")}</th>
            {p.more?.heads}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((o) => (
            <tr>
              <td class={p.linked ? undefined : "mono"}>
                {p.linked ? (
                  <a class="mono" href={`/suspects/${o.suspectId}`}>
                    {displayValue("bank_account", o.account)}
                  </a>
                ) : (
                  displayValue("bank_account", o.account)
                )}
              </td>
              <td>{o.bank ?? "—"}</td>
              <td class="num">
                <Money fen={o.amountFen} />
              </td>
              <td>
                <When at={o.at} />
              </td>
              {p.more?.cells(o)}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export type RequestSummary = {
  id: number;
  kind: string;
  status: string;
  institution: string;
  createdAt: number;
  amountFen: number | null;
  doneAmountFen: number | null;
  documentNo?: string | null;
};

/** The requests about a case or a suspect, newest first, each linked to its page. */
export function RequestSummaryTable(p: { t: T; lang: Lang; rows: RequestSummary[] }) {
  const { t } = p;
  if (p.rows.length === 0) return <p class="muted">{t("common.none")}</p>;
  // the case page lists each request's notice (文书); the suspect page does not
  const notices = p.rows.some((r) => r.documentNo !== undefined);
  return (
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>{t("requests.kind")}</th>
          <th>{t("field.institution")}</th>
          <th>{t("field.status")}</th>
          {/* what was asked and what the institution did, side by side */}
          <th class="num">{t("requests.amountAsked")}</th>
          <th class="num">{t("requests.amountDone")}</th>
          <th>{t("field.at")}</th>
          {notices && <th>{t("notice.open")}</th>}
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr>
            <td>
              <a href={`/requests/${r.id}`}>#{r.id}</a>
            </td>
            <td>{labelOr(t, `requests.kind.${r.kind}`, r.kind)}</td>
            <td>{nameOfInstitution(r.institution, p.lang)}</td>
            <td>{labelOr(t, `requests.status.${r.status}`, r.status)}</td>
            <td class="num">{formatFen(r.amountFen)}</td>
            <td class="num">{formatFen(r.doneAmountFen)}</td>
            <td>
              <When at={r.createdAt} />
            </td>
            {notices && <td>{r.documentNo && <a href={`/requests/${r.id}/notice`}>{r.documentNo}</a>}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const FIELD_LABELS: Record<string, Key> = {
  kind: "requests.kind",
  value: "requests.value",
  suspectId: "requests.suspect",
  institution: "field.institution",
  caseId: "requests.caseId",
  amount: "field.amount",
  balance: "field.balance",
  note: "field.note",
  reason: "field.reason",
  parentRequestId: "requests.parent",
  holderName: "field.holderName",
  transactions: "requests.transactions",
  term: "field.term",
  approval: "field.approval",
  approvalBy: "field.approvalBy",
  approvalAt: "field.approvalAt",
  approvalRef: "field.approvalRef",
  scope: "field.scope",
  includesInterest: "terms.interest",
  reasonCode: "field.reasonCode",
};

/** Issues with the field named in words; onward-transfer rows as "资金已转出 · 2". */
export function labelIssues(t: T, issues: Issue[] | undefined): Issue[] | undefined {
  return issues?.map((i) => {
    const row = /^onwardTransfers\.(\d+)\.(\w+)/.exec(i.path);
    if (row) return { ...i, path: `${t("requests.onward")} · ${Number(row[1]) + 1}` };
    const key = FIELD_LABELS[i.path];
    return { ...i, path: key ? t(key) : i.path };
  });
}
