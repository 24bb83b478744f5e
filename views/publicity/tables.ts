// The high-risk lists as rows for CSV/XLSX export. Built only from the publicity service's
// rows, which are masked already: an export cannot carry more than the screen.
import type { ExportColumn } from "../../src/exports/tabular";
import type {
  AgeBandCount,
  DistrictCount,
  FraudTypeTrend,
  SuspectNumber,
  VisitSummary,
  VisitTarget,
} from "../../src/publicity/service";
import type { Lang, T } from "../i18n";

export type Table = { columns: ExportColumn[]; rows: Record<string, unknown>[] };

export const districtName = (t: T, d: string | null) => d || t("publicity.noDistrict");
const pct = (p: number | null) => p ?? "—";

export function fraudTypesTable(t: T, rows: FraudTypeTrend[]): Table {
  return {
    columns: [
      { key: "type", header: t("field.fraudType") },
      { key: "current", header: t("publicity.col.current") },
      { key: "previous", header: t("publicity.col.previous") },
      { key: "change", header: t("publicity.col.change") },
      { key: "changePct", header: `${t("publicity.col.changePct")} %` },
    ],
    rows: rows.map((r) => ({ ...r, type: t(`cases.fraud.${r.fraudType}`), changePct: pct(r.changePct) })),
  };
}

export function districtsTable(t: T, rows: DistrictCount[]): Table {
  return {
    columns: [
      { key: "district", header: t("field.district") },
      { key: "targets", header: t("publicity.col.targets") },
      { key: "highRisk", header: t("publicity.col.highRisk") },
      { key: "previous", header: t("publicity.col.previous") },
      { key: "changePct", header: `${t("publicity.col.changePct")} %` },
    ],
    rows: rows.map((r) => ({ ...r, district: districtName(t, r.district), changePct: pct(r.changePct) })),
  };
}

export function ageBandsTable(t: T, rows: AgeBandCount[]): Table {
  return {
    columns: [
      { key: "band", header: t("publicity.col.ageBand") },
      { key: "targets", header: t("publicity.col.targets") },
      { key: "highRisk", header: t("publicity.col.highRisk") },
      { key: "previous", header: t("publicity.col.previous") },
      { key: "changePct", header: `${t("publicity.col.changePct")} %` },
    ],
    rows: rows.map((r) => ({ ...r, band: t(`publicity.band.${r.band}`), changePct: pct(r.changePct) })),
  };
}

export function suspectNumbersTable(t: T, lang: Lang, rows: SuspectNumber[]): Table {
  return {
    columns: [
      { key: "rank", header: t("publicity.col.rank") },
      { key: "number", header: t("publicity.col.number") },
      { key: "carrier", header: t("publicity.col.carrier") },
      { key: "risk", header: t("publicity.col.risk") },
      { key: "status", header: t("field.status") },
      { key: "cases", header: t("publicity.col.cases") },
      { key: "targets", header: t("publicity.col.contacted") },
      { key: "lastSeenAt", header: t("publicity.col.lastSeen") },
    ],
    rows: rows.map((r) => ({
      ...r,
      carrier: r.carrier ? (lang === "zh" ? r.carrier.nameZh : r.carrier.nameEn) : "",
      risk: t(`suspects.risk.${r.riskLevel}`),
      status: t(`suspects.state.${r.status}`),
    })),
  };
}

export function visitSummaryTable(t: T, rows: VisitSummary[]): Table {
  return {
    columns: [
      { key: "district", header: t("field.district") },
      { key: "targets", header: t("publicity.col.count") },
    ],
    rows: rows.map((r) => ({ district: districtName(t, r.district), targets: r.targets })),
  };
}

export function visitsTable(t: T, rows: VisitTarget[]): Table {
  return {
    columns: [
      { key: "district", header: t("field.district") },
      { key: "name", header: t("field.displayName") },
      { key: "phone", header: t("field.phone") },
      { key: "age", header: t("field.age") },
      { key: "band", header: t("publicity.col.ageBand") },
      { key: "reason", header: t("field.reason") },
      { key: "state", header: t("publicity.col.state") },
      { key: "createdAt", header: t("publicity.col.createdAt") },
    ],
    rows: rows.map((r) => ({
      ...r,
      district: districtName(t, r.district),
      band: t(`publicity.band.${r.ageBand}`),
      reason: t(`targets.reason.${r.reason}`),
      state: t(`publicity.state.${r.state}`),
    })),
  };
}
