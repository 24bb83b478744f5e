// Historical baselines (历史基线) through the import engine: monthly totals per metric,
// optionally per district, from CSV or XLSX. Two layouts:
//   long  — month, metric, value [, district]: one figure per row
//   wide  — month [, district], then one column per metric (警情, 立案, …): one row per month
// Amounts are in yuan, stored in fen. A figure for a metric, month and district already on file
// is replaced: that row is "merged"; a row whose figures are all new is "imported".

import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db";
import { inOrder } from "../db";
import { baselineTotals } from "../db/schema";
import { districtRefusal } from "../districts/service";
import { yuanToFen } from "../domain/money";
import { isRefusal, type Refusal, refuse } from "../domain/reasons";
import { METRICS, type Metric, MONEY_METRICS } from "../domain/yoy";
import { defineImport, type Outcome, rejectedBy } from "../imports/handler";
import { type HeaderMap, headerKey, type ImportColumn, mapHeader } from "../imports/table";

/** metric, month (YYYY-MM), district ("" = whole city), value (count or fen). */
export type BaselineFigure = [metric: Metric, month: string, district: string, value: number];

const COLUMNS: readonly ImportColumn[] = [
  { key: "month", required: true, aliases: ["月份", "月", "统计月份", "年月"] },
  { key: "metric", aliases: ["指标", "指标名称", "项目"] },
  { key: "value", aliases: ["数值", "值", "合计", "数量", "金额"] },
  { key: "district", aliases: ["辖区", "区县", "地区", "区域", "分局"] },
];

/**
 * The names a metric goes by in a baseline file besides its code: the statistics screen's Chinese
 * and English labels, as the file was likely exported from it. The file's own names, kept here so
 * that relabelling the screen does not change what an import accepts.
 */
const METRIC_ALIASES: Record<Metric, readonly string[]> = {
  alerts: ["警情", "Alerts"],
  casesFiled: ["立案", "Cases filed"],
  casesSolved: ["破案", "Cases solved"],
  suspectsDetained: ["刑拘", "Suspects detained"],
  peopleWarned: ["预警劝阻人数", "People warned"],
  warnings: ["预警劝阻次数", "Warnings made"],
  stopPayments: ["紧急止付", "Stop-payments"],
  freezes: ["冻结", "Freezes"],
  amountStopped: ["止付金额", "Amount stopped"],
  amountFrozen: ["冻结金额", "Amount frozen"],
  amountReturned: ["返还金额", "Amount returned"],
  numbersCutOff: ["停机号码", "Numbers cut off"],
  cardsCutOff: ["断卡（银行卡）", "Bank cards cut off"],
};
/** A metric by its code or an alias; "(元)" / "(yuan)" ignored. */
const METRIC_NAMES = new Map<string, Metric>();
for (const m of METRICS) for (const name of [m, ...METRIC_ALIASES[m]]) METRIC_NAMES.set(headerKey(name), m);
const UNIT = /[（(]\s*(元|yuan|rmb|cny)\s*[)）]\s*$/i;
const metricOf = (name: string): Metric | null => METRIC_NAMES.get(headerKey(name.replace(UNIT, ""))) ?? null;

const WIDE = "m:"; // header-map key prefix of a metric column in the wide layout

/** Long layout when the header names a metric and a value column, else one column per metric. */
function mapBaselineHeader(header: readonly string[]): HeaderMap | Refusal {
  const map = mapHeader(header, COLUMNS);
  if (isRefusal(map)) return map;
  if (map.metric !== undefined && map.value !== undefined) return map;
  const wide: HeaderMap = { month: map.month!, ...(map.district !== undefined ? { district: map.district } : {}) };
  header.forEach((h, i) => {
    const m = i === map.month || i === map.district ? null : metricOf(h);
    if (m) wide[WIDE + m] = i;
  });
  if (Object.keys(wide).some((k) => k.startsWith(WIDE))) return wide;
  return refuse("baseline.no_metrics");
}

/** 2025-01, 2025/1, 2025.1, 2025年1月, 202501, or a date in the month (an Excel date cell) → 2025-01. */
function parseMonth(s: string): string | null {
  const m = /^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\d{1,2}(?:[ T].*)?)?|(\d{2}))\s*$/.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2] ?? m[3]);
  if (month < 1 || month > 12 || year < 1990 || year > 2100) return null;
  return `${year}-${String(month).padStart(2, "0")}`;
}

/** Counts are whole numbers; amounts are yuan with up to two decimals. */
function parseValue(metric: Metric, text: string): number | null {
  const clean = text.replace(/[,，\s]/g, "");
  if (MONEY_METRICS.has(metric)) return yuanToFen(clean);
  return /^\d{1,12}$/.test(clean) ? Number(clean) : null;
}

// built once per connection: a baseline import runs these once per figure
const prepared = new WeakMap<Db, Awaited<ReturnType<typeof prepare>>>();
function prepare(db: Db) {
  const key = and(
    eq(baselineTotals.metric, sql.placeholder("metric")),
    eq(baselineTotals.month, sql.placeholder("month")),
    eq(baselineTotals.district, sql.placeholder("district")),
  );
  return {
    find: db.select({ id: baselineTotals.id }).from(baselineTotals).where(key).prepare(),
    upsert: db
      .insert(baselineTotals)
      .values({
        metric: sql.placeholder("metric"),
        month: sql.placeholder("month"),
        district: sql.placeholder("district"),
        value: sql.placeholder("value"),
        importId: sql.placeholder("importId"),
        createdBy: sql.placeholder("createdBy"),
        createdAt: sql.placeholder("at"),
      })
      .onConflictDoUpdate({
        target: [baselineTotals.metric, baselineTotals.month, baselineTotals.district],
        set: {
          value: sql`excluded.value`,
          importId: sql`excluded.import_id`,
          createdBy: sql`excluded.created_by`,
          createdAt: sql`excluded.created_at`,
        },
      })
      .prepare(),
  };
}
function statements(db: Db) {
  let s = prepared.get(db);
  if (!s) {
    s = prepare(db);
    prepared.set(db, s);
  }
  return s;
}

export const baselineImport = defineImport<BaselineFigure[]>({
  kind: "baseline",
  permission: "stats.import",
  columns: COLUMNS,
  mapHeader: mapBaselineHeader,

  prepare(row) {
    const month = parseMonth(row.month ?? "");
    if (!month) return rejectedBy(refuse("baseline.bad_month", { word: row.month ?? "" }));
    const district = (row.district ?? "").trim();
    if (district.length > 50) return rejectedBy(refuse("baseline.district_long"));
    const pairs: [string, string][] =
      row.metric !== undefined
        ? [[row.metric, row.value ?? ""]]
        : Object.keys(row)
            .filter((k) => k.startsWith(WIDE))
            .map((k) => [k.slice(WIDE.length), row[k]!]);
    const figures: BaselineFigure[] = [];
    for (const [name, text] of pairs) {
      const metric = metricOf(name);
      if (!metric) return rejectedBy(refuse("baseline.unknown_metric", { word: name }));
      if (row.metric === undefined && text.trim() === "") continue; // wide layout: a blank cell is no figure
      const value = parseValue(metric, text);
      if (value === null)
        return rejectedBy(
          refuse(MONEY_METRICS.has(metric) ? "baseline.bad_amount" : "baseline.bad_count", { metric, word: text }),
        );
      figures.push([metric, month, district, value]);
    }
    if (!figures.length) return rejectedBy(refuse("baseline.no_figures"));
    return figures;
  },

  async handleBatch(rows, ctx) {
    const s = statements(ctx.tx);
    const at = new Date(ctx.at);
    return await inOrder(rows, async (figures): Promise<Outcome> => {
      // a row's figures share its district: only one on the center's list (any while it is empty)
      const unlisted = figures[0] && (await districtRefusal(ctx.tx, figures[0][2]));
      if (unlisted) return rejectedBy(unlisted);
      let replaced = false;
      for (const [metric, month, district, value] of figures) {
        if (await s.find.get({ metric, month, district })) replaced = true;
        await s.upsert.run({ metric, month, district, value, importId: ctx.importId, createdBy: ctx.userId, at });
      }
      return replaced ? "merged" : "imported";
    });
  },
});
