// The supervision board's tables as rows for CSV/XLSX export: the figures the screen shows,
// durations in minutes (one decimal) so a spreadsheet can sort and average them.
import type { ExportColumn } from "../../src/exports/tabular";
import type { LiveTable, TimesTable } from "../../src/supervision/schemas";
import type { Board, InstitutionTimes, LightCounts, OverdueRequest } from "../../src/supervision/service";
import type { Key, Lang, T } from "../i18n";

/** The heading of each table on the screen: the export's file name. */
export const TABLE_TITLES: Record<LiveTable | TimesTable, Key> = {
  requestLights: "supervision.requestLights",
  targetLights: "supervision.targetLights",
  overdueRequests: "supervision.overdueRequests",
  escalatedRequests: "supervision.escalated",
  overdueTargets: "supervision.overdueTargets",
  bankTimes: "requests.institutions.bank",
  carrierTimes: "requests.institutions.carrier",
};

export type Table = { columns: ExportColumn[]; rows: Record<string, unknown>[] };

const minutes = (ms: number | null) => (ms == null ? null : Math.round(ms / 6_000) / 10);

function lightsTable(
  t: T,
  head: string,
  rows: { label: string; counts: LightCounts }[],
  total: LightCounts,
  escalated: boolean,
): Table {
  const columns: ExportColumn[] = [
    { key: "label", header: head },
    { key: "green", header: t("supervision.light.green") },
    { key: "yellow", header: t("supervision.light.yellow") },
    { key: "red", header: t("supervision.light.red") },
    { key: "overdue", header: t("requests.light.red") },
    ...(escalated ? [{ key: "escalated", header: t("requests.escalatedAt") }] : []),
    { key: "total", header: t("common.total") },
  ];
  return {
    columns,
    rows: [...rows, { label: t("common.total"), counts: total }].map((r) => ({ label: r.label, ...r.counts })),
  };
}

function requestsTable(t: T, lang: Lang, rows: OverdueRequest[], escalated: boolean): Table {
  return {
    columns: [
      { key: "id", header: t("audit.entityId") },
      { key: "institution", header: t("field.institution") },
      { key: "kind", header: t("field.kind") },
      { key: "status", header: t("field.status") },
      { key: "level", header: t("cases.level") },
      { key: "caseId", header: t("requests.case") },
      { key: "sentAt", header: t("supervision.col.sentAt") },
      { key: "deadlineAt", header: t("supervision.col.deadlineAt") },
      ...(escalated ? [{ key: "escalatedAt", header: t("supervision.col.escalatedAt") }] : []),
      { key: "age", header: t("supervision.col.age") + t("supervision.col.minutes") },
      { key: "overdue", header: t("supervision.col.overdueBy") + t("supervision.col.minutes") },
    ],
    rows: rows.map((r) => ({
      ...r,
      institution: lang === "zh" ? r.institution.nameZh : r.institution.nameEn,
      kind: t(`requests.kind.${r.kind}`),
      status: t(`requests.status.${r.status}`),
      age: minutes(r.ageMs),
      overdue: minutes(Math.max(0, r.overdueMs)),
    })),
  };
}

function timingsTable(t: T, lang: Lang, rows: InstitutionTimes[]): Table {
  const m = t("supervision.col.minutes");
  return {
    columns: [
      { key: "institution", header: t("field.institution") },
      { key: "sent", header: t("supervision.col.sent") },
      { key: "answered", header: t("supervision.col.answered") },
      { key: "ackMedian", header: t("supervision.col.ackMedian") + m },
      { key: "ackP90", header: t("supervision.col.ackP90") + m },
      { key: "answerMedian", header: t("supervision.col.answerMedian") + m },
      { key: "answerP90", header: t("supervision.col.answerP90") + m },
      { key: "prevAckMedian", header: t("supervision.col.prevAckMedian") + m },
      { key: "prevAckP90", header: t("supervision.col.prevAckP90") + m },
      { key: "prevAnswerMedian", header: t("supervision.col.prevAnswerMedian") + m },
      { key: "prevAnswerP90", header: t("supervision.col.prevAnswerP90") + m },
      { key: "change", header: `${t("supervision.col.answerChange")} %` },
    ],
    rows: rows.map((r) => ({
      institution: lang === "zh" ? r.institution.nameZh : r.institution.nameEn,
      sent: r.current.sent,
      answered: r.current.answer.count,
      ackMedian: minutes(r.current.ack.median),
      ackP90: minutes(r.current.ack.p90),
      answerMedian: minutes(r.current.answer.median),
      answerP90: minutes(r.current.answer.p90),
      prevAckMedian: minutes(r.previous.ack.median),
      prevAckP90: minutes(r.previous.ack.p90),
      prevAnswerMedian: minutes(r.previous.answer.median),
      prevAnswerP90: minutes(r.previous.answer.p90),
      change: r.answerMedianChangePct ?? "—",
    })),
  };
}

/** One table of the live part of the board. */
export function liveTable(t: T, lang: Lang, name: LiveTable, board: Board): Table {
  switch (name) {
    case "requestLights":
      return lightsTable(
        t,
        t("requests.kind"),
        board.requestLights.byKind.map((r) => ({ label: t(`requests.kind.${r.kind}`), counts: r.counts })),
        board.requestLights.total,
        true,
      );
    case "targetLights":
      return lightsTable(
        t,
        t("field.riskGrade"),
        board.targetLights.byGrade.map((r) => ({ label: t(`targets.grade.${r.grade}`), counts: r.counts })),
        board.targetLights.total,
        false,
      );
    case "overdueRequests":
      return requestsTable(t, lang, board.overdueRequests, false);
    case "escalatedRequests":
      return requestsTable(t, lang, board.escalatedRequests, true);
    case "overdueTargets":
      return {
        columns: [
          { key: "id", header: t("audit.entityId") },
          { key: "grade", header: t("field.riskGrade") },
          { key: "district", header: t("field.district") },
          { key: "reason", header: t("field.reason") },
          { key: "createdAt", header: t("publicity.col.createdAt") },
          { key: "dueAt", header: t("supervision.col.dueAt") },
          { key: "overdue", header: t("supervision.col.overdueBy") + t("supervision.col.minutes") },
          { key: "claimedBy", header: t("supervision.col.claimedBy") },
        ],
        rows: board.overdueTargets.map((r) => ({
          ...r,
          grade: t(`targets.grade.${r.riskGrade}`),
          reason: t(`targets.reason.${r.reason}`),
          overdue: minutes(r.overdueMs),
        })),
      };
  }
}

/** Response times of the banks or of the carriers. */
export function timesTable(t: T, lang: Lang, name: TimesTable, times: InstitutionTimes[]): Table {
  return timingsTable(
    t,
    lang,
    times.filter((r) => r.institution.kind === (name === "bankTimes" ? "bank" : "carrier")),
  );
}
