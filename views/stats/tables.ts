// The tables of the statistics screen as rows for CSV/XLSX export: the same figures the
// screen shows, with money as yuan numbers so a spreadsheet can add them up.
import { changePct, METRICS, type Metric, MONEY_METRICS } from "../../src/domain/yoy";
import type { ExportColumn } from "../../src/exports/tabular";
import type { BreakdownRow, Comparison, YearChart } from "../../src/stats/service";
import type { T } from "../i18n";
import { districtLabel, exportValue, fraudTypeLabel, metricLabel, sourceLabel } from "./labels";

export type Table = { columns: ExportColumn[]; rows: Record<string, unknown>[] };
export type TableName = "metrics" | "fraudTypes" | "districts" | "months";

/** Money, exported as yuan (fen / 100): thousands separators and two decimals. */
const MONEY_FORMAT = "#,##0.00";
/** A change in percent, two decimals. */
const PCT_FORMAT = "0.00";
const COUNT_FORMAT = "#,##0";
/** In a spreadsheet, money reads as yuan with two decimals, counts with separators. */
const formatOf = (m: Metric) => (MONEY_METRICS.has(m) ? MONEY_FORMAT : COUNT_FORMAT);

function metricsTable(t: T, cmp: Comparison): Table {
  return {
    columns: [
      { key: "metric", header: t("stats.metric") },
      // one column holds counts and money: the row's metric decides the format
      {
        key: "current",
        header: `${t("publicity.col.current")} ${cmp.period.from}~${cmp.period.to}`,
        numFmt: (row) => formatOf(row.metricKey as Metric),
      },
      {
        key: "previous",
        header: `${t("stats.previous")} ${cmp.previous.from}~${cmp.previous.to}`,
        numFmt: (row) => formatOf(row.metricKey as Metric),
      },
      { key: "change", header: `${t("stats.change")} %`, numFmt: PCT_FORMAT },
      { key: "currentSource", header: t("stats.currentSource") },
      { key: "previousSource", header: t("stats.previousSource") },
    ],
    rows: cmp.rows.map((r) => ({
      metricKey: r.metric,
      metric: metricLabel(t, r.metric),
      current: exportValue(r.metric, r.current.value),
      previous: exportValue(r.metric, r.previous.value),
      change: r.changePct ?? "—",
      currentSource: sourceLabel(t, r.current.source),
      previousSource: sourceLabel(t, r.previous.source),
    })),
  };
}

function breakdownTable(
  t: T,
  rows: BreakdownRow[],
  metric: Metric,
  keyHeader: string,
  label: (t: T, k: string) => string,
): Table {
  return {
    columns: [
      { key: "key", header: keyHeader },
      { key: "current", header: `${metricLabel(t, metric)} ${t("publicity.col.current")}`, numFmt: formatOf(metric) },
      { key: "previous", header: `${metricLabel(t, metric)} ${t("stats.previous")}`, numFmt: formatOf(metric) },
      { key: "change", header: `${t("stats.change")} %`, numFmt: PCT_FORMAT },
    ],
    rows: rows.map((r) => ({
      key: label(t, r.key),
      current: exportValue(metric, r.current),
      previous: exportValue(metric, r.previous),
      change: changePct(r.current, r.previous) ?? "—",
    })),
  };
}

/** The chart's data: one row per month, this year and last year for every metric. */
function monthsTable(t: T, chart: YearChart): Table {
  const columns: ExportColumn[] = [{ key: "month", header: t("field.month") }];
  for (const m of METRICS) {
    columns.push({
      key: `${m}.current`,
      header: `${metricLabel(t, m)} ${t("stats.thisYear", { year: chart.year })}`,
      numFmt: formatOf(m),
    });
    columns.push({
      key: `${m}.previous`,
      header: `${metricLabel(t, m)} ${t("stats.thisYear", { year: chart.year - 1 })}`,
      numFmt: formatOf(m),
    });
  }
  const rows = chart.months.map((label, i) => {
    const row: Record<string, unknown> = {
      month: t(i === chart.partial ? "stats.monthLabelPartial" : "stats.monthLabel", { m: Number(label) }),
    };
    for (const m of METRICS) {
      const cur = chart.series[m].current[i];
      const prev = chart.series[m].previous[i];
      row[`${m}.current`] = cur ? exportValue(m, cur.value) : null;
      row[`${m}.previous`] = prev ? exportValue(m, prev.value) : null;
    }
    return row;
  });
  return { columns, rows };
}

/** One table of the screen; the breakdowns need a comparison made with a breakdown metric. */
export function statsTable(t: T, name: TableName, cmp: Comparison, chart: YearChart): Table {
  const b = cmp.breakdown;
  switch (name) {
    case "metrics":
      return metricsTable(t, cmp);
    case "fraudTypes":
      return breakdownTable(t, b?.byFraudType ?? [], b?.metric ?? "alerts", t("field.fraudType"), fraudTypeLabel);
    case "districts":
      return breakdownTable(t, b?.byDistrict ?? [], b?.metric ?? "alerts", t("field.district"), districtLabel);
    case "months":
      return monthsTable(t, chart);
  }
}
