// Year-on-year statistics from the records, with imported baselines where the system has none.
//
// What each metric counts, and on which Asia/Shanghai day, is defined once in SQL: the views
// stats_case_facts, stats_warning_facts and stats_request_facts (migrations/0005_stats_triggers.sql).
//   alerts           every case, on the day it was received (received_at)
//   casesFiled       cases with filed_at, on that day
//   casesSolved      cases with solved_at, on that day
//   suspectsDetained the case's suspects_detained, on the day it was solved (else filed, else received)
//   warnings         every warning (call, SMS, visit) made to a target, on its created_at
//   peopleWarned     each target once, on the day of its first warning (so the figure adds up
//                    across days and months: a person warned in March and again in May is one
//                    person in the year, counted in March)
//   stopPayments, freezes, numbersCutOff (suspend_number), cardsCutOff (close_card)
//                    requests that took effect — completed or partially completed, including
//                    those since expired, lapsed or released — on their effective_at (the stop or
//                    freeze time; responded_at if none). A renewal updates the same request.
//   amountStopped, amountFrozen, amountReturned
//                    done_amount_fen of stop_payment / freeze / return requests that took effect,
//                    on the same day
// District and fraud type come from the case (for warnings: the target's district and its
// case's fraud type); "" when unknown.
//
// Triggers keep stats_daily equal to a full recount of those views on every insert, update and
// delete, whichever code path writes; stats_monthly, and the city-wide stats_daily_city and
// stats_monthly_city, follow stats_daily by triggers too. Reads here touch only these tables:
// whole months from the monthly ones, the days of partly covered months from the daily ones,
// the city tables when no district is asked for.
//
// Baselines (baseline_totals): monthly totals imported for months the system has no records
// of. A month counts as recorded once any record of any metric falls in it; in a recorded month
// the records win and its baselines are ignored. Baselines are whole months: a period that covers
// an unrecorded month only in part leaves that month's baseline out, and says so.
import { and, between, count, countDistinct, eq, getTableName, inArray, ne, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../db";
import { inOrder } from "../db";
import { anyOr } from "../db/dialect";
import { baselineTotals, statsDaily, statsDailyCity, statsMonthly, statsMonthlyCity } from "../db/schema";
import { FRAUD_TYPES } from "../domain/enums";
import { maskFreeText } from "../domain/masking";
import {
  BASELINE_BUCKET,
  changePct,
  METRICS,
  type Metric,
  monthsOf,
  type Period,
  previousPeriod,
  splitPeriod,
  type Verdict,
  verdict,
} from "../domain/yoy";

export type Source = "records" | "baseline" | "mixed";
type Figure = { value: number; source: Source };
type Values = Record<Metric, number>;

const zeros = (): Values => Object.fromEntries(METRICS.map((m) => [m, 0])) as Values;
const isKnownMetric = (m: string): m is Metric => (METRICS as readonly string[]).includes(m);

type BaselineRow = Pick<typeof baselineTotals.$inferSelect, "metric" | "month" | "district" | "value">;

// the prepared queries' parameters, by name
const param = {
  first: sql.placeholder("first"),
  last: sql.placeholder("last"),
  district: sql.placeholder("district"),
  metric: sql.placeholder("metric"),
};
const total = (value: SQLiteColumn) => sql<number>`sum(${value})`;

// The tables are clustered on (metric, date, …): "metric IN (…)" walks them metric by metric in
// key order, so grouping by metric (and month) needs no sort. Without a district the city
// tables answer (13 rows a day or month); with one, the detail tables filtered by it.
// Built once per connection: every screen and API call runs several of them.
const statements = new WeakMap<Db, Awaited<ReturnType<typeof prepare>>>();
function prepare(db: Db) {
  const m = statsMonthly;
  const d = statsDaily;
  // a breakdown cell: one metric, in one district or the whole city (district null)
  const inScope = (t: typeof m | typeof d) => anyOr(param.district, t.district);
  return {
    cityMonths: db
      .select({ metric: statsMonthlyCity.metric, month: statsMonthlyCity.month, value: statsMonthlyCity.value })
      .from(statsMonthlyCity)
      .where(and(inArray(statsMonthlyCity.metric, METRICS), between(statsMonthlyCity.month, param.first, param.last)))
      .prepare(),
    districtMonths: db
      .select({ metric: m.metric, month: m.month, value: total(m.value) })
      .from(m)
      .where(and(inArray(m.metric, METRICS), between(m.month, param.first, param.last), eq(m.district, param.district)))
      .groupBy(m.metric, m.month)
      .prepare(),
    cityDays: db
      .select({ metric: statsDailyCity.metric, value: total(statsDailyCity.value) })
      .from(statsDailyCity)
      .where(and(inArray(statsDailyCity.metric, METRICS), between(statsDailyCity.day, param.first, param.last)))
      .groupBy(statsDailyCity.metric)
      .prepare(),
    districtDays: db
      .select({ metric: d.metric, value: total(d.value) })
      .from(d)
      .where(and(inArray(d.metric, METRICS), between(d.day, param.first, param.last), eq(d.district, param.district)))
      .groupBy(d.metric)
      .prepare(),
    monthCells: db
      .select({ district: m.district, fraudType: m.fraudType, value: total(m.value) })
      .from(m)
      .where(and(eq(m.metric, param.metric), between(m.month, param.first, param.last), inScope(m)))
      .groupBy(m.district, m.fraudType)
      .prepare(),
    dayCells: db
      .select({ district: d.district, fraudType: d.fraudType, value: total(d.value) })
      .from(d)
      .where(and(eq(d.metric, param.metric), between(d.day, param.first, param.last), inScope(d)))
      .groupBy(d.district, d.fraudType)
      .prepare(),
    baselines: db
      .select({
        metric: baselineTotals.metric,
        month: baselineTotals.month,
        district: baselineTotals.district,
        value: baselineTotals.value,
      })
      .from(baselineTotals)
      .where(between(baselineTotals.month, param.first, param.last))
      .prepare(),
  };
}
function stmts(db: Db) {
  let s = statements.get(db);
  if (!s) {
    s = prepare(db);
    statements.set(db, s);
  }
  return s;
}

/**
 * Monthly figures from first to last (YYYY-MM): which months are recorded (any record of any
 * metric anywhere in the city) and each month's value per metric in scope.
 */
async function monthFigures(db: Db, first: string, last: string, district: string | null) {
  const s = stmts(db);
  const city = await s.cityMonths.all({ first, last });
  const recorded = new Set(city.filter((r) => r.value !== 0).map((r) => r.month));
  const values = new Map<string, number>();
  for (const r of district === null ? city : await s.districtMonths.all({ first, last, district }))
    values.set(`${r.month}|${r.metric}`, r.value);
  return { recorded, values };
}

/** Per-metric totals of a range of days in scope. */
async function dayTotals(db: Db, range: Period, district: string | null): Promise<{ metric: string; value: number }[]> {
  const s = stmts(db);
  const days = { first: range.from, last: range.to };
  return district === null ? await s.cityDays.all(days) : await s.districtDays.all({ ...days, district });
}

/**
 * Baseline figures for the given unrecorded months. The city total of a metric is its city-wide
 * row ("" district) when imported, otherwise the sum of its district rows. With a district in
 * scope only that district's rows count. byDistrict splits each metric's figure by district;
 * a city total larger than its districts' rows leaves the rest in BASELINE_BUCKET.
 */
function baselineFigures(rows: BaselineRow[], months: ReadonlySet<string>, district: string | null) {
  const total = zeros();
  const used = new Set<Metric>();
  const byDistrict = new Map<Metric, Map<string, number>>();
  const groups = new Map<string, { metric: Metric; city: number | null; districts: Map<string, number> }>();
  for (const r of rows) {
    if (!months.has(r.month) || !isKnownMetric(r.metric)) continue;
    const key = `${r.month}|${r.metric}`;
    let g = groups.get(key);
    if (!g) {
      g = { metric: r.metric, city: null, districts: new Map() };
      groups.set(key, g);
    }
    if (r.district === "") g.city = r.value;
    else g.districts.set(r.district, r.value);
  }
  const addTo = (metric: Metric, bucket: string, v: number) => {
    let m = byDistrict.get(metric);
    if (!m) {
      m = new Map();
      byDistrict.set(metric, m);
    }
    m.set(bucket, (m.get(bucket) ?? 0) + v);
  };
  for (const g of groups.values()) {
    if (district !== null) {
      const v = g.districts.get(district);
      if (v === undefined) continue;
      total[g.metric] += v;
      used.add(g.metric);
      addTo(g.metric, district, v);
      continue;
    }
    let sum = 0;
    for (const [d, v] of g.districts) {
      addTo(g.metric, d, v);
      sum += v;
    }
    const cityTotal = g.city ?? sum;
    if (cityTotal !== sum) addTo(g.metric, BASELINE_BUCKET, cityTotal - sum);
    total[g.metric] += cityTotal;
    used.add(g.metric);
  }
  return { total, used, byDistrict };
}

type Breakdown = { byFraudType: Map<string, number>; byDistrict: Map<string, number> };

type Side = {
  period: Period;
  totals: Record<Metric, Figure>;
  /** One metric by fraud type and by district, when asked for. */
  breakdown: Breakdown | null;
  /** Unrecorded months the period covers only in part: their baselines are left out. */
  partialBaselineMonths: string[];
};

/** Every figure of one period, in one district or the whole city (district null). */
async function periodFigures(
  db: Db,
  period: Period,
  district: string | null,
  breakdownMetric: Metric | null,
): Promise<Side> {
  const s = stmts(db);
  const split = splitPeriod(period);
  const all = monthsOf(period);
  const whole = new Set(split.months);

  // records: whole months from the monthly tables, the other days from the daily ones
  const months = await monthFigures(db, all[0]!, all.at(-1)!, district);
  const records = zeros();
  for (const m of split.months)
    for (const metric of METRICS) records[metric] += months.values.get(`${m}|${metric}`) ?? 0;
  for (const range of split.dayRanges)
    for (const r of await dayTotals(db, range, district)) if (isKnownMetric(r.metric)) records[r.metric] += r.value;

  // baselines for the whole months that have no records
  const recorded = months.recorded;
  const baselineRows = await s.baselines.all({ first: all[0]!, last: all.at(-1)! });
  const base = baselineFigures(baselineRows, new Set(split.months.filter((m) => !recorded.has(m))), district);
  const partialBaselineMonths = [
    ...new Set(baselineRows.filter((r) => !whole.has(r.month) && !recorded.has(r.month)).map((r) => r.month)),
  ].sort();

  const anyRecords = recorded.size > 0;
  const totals = {} as Record<Metric, Figure>;
  for (const m of METRICS) {
    const fromBaseline = base.used.has(m);
    totals[m] = {
      value: records[m] + base.total[m],
      source: fromBaseline ? (anyRecords ? "mixed" : "baseline") : "records",
    };
  }

  let breakdown: Breakdown | null = null;
  if (breakdownMetric) {
    breakdown = { byFraudType: new Map(), byDistrict: new Map() };
    const add = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);
    const cells = [
      ...(split.months.length
        ? await s.monthCells.all({
            first: split.months[0]!,
            last: split.months.at(-1)!,
            district,
            metric: breakdownMetric,
          })
        : []),
      ...(
        await inOrder(
          split.dayRanges,
          async (range) =>
            await s.dayCells.all({ first: range.from, last: range.to, district, metric: breakdownMetric }),
        )
      ).flat(),
    ];
    for (const c of cells) {
      add(breakdown.byFraudType, c.fraudType, c.value);
      add(breakdown.byDistrict, c.district, c.value);
    }
    if (base.used.has(breakdownMetric)) add(breakdown.byFraudType, BASELINE_BUCKET, base.total[breakdownMetric]);
    for (const [d, v] of base.byDistrict.get(breakdownMetric) ?? []) add(breakdown.byDistrict, d, v);
  }
  return { period, totals, breakdown, partialBaselineMonths };
}

type MetricRow = { metric: Metric; current: Figure; previous: Figure; changePct: number | null; verdict: Verdict };
export type BreakdownRow = { key: string; current: number; previous: number };

export type Comparison = {
  period: Period;
  previous: Period;
  district: string | null;
  rows: MetricRow[];
  /** The breakdown metric by fraud type and by district, when asked for. */
  breakdown: { metric: Metric; byFraudType: BreakdownRow[]; byDistrict: BreakdownRow[] } | null;
  partialBaselineMonths: string[];
};

function breakdownRows(cur: Map<string, number>, prev: Map<string, number>, order: readonly string[]): BreakdownRow[] {
  const keys = new Set([...order.filter((k) => cur.has(k) || prev.has(k)), ...cur.keys(), ...prev.keys()]);
  return [...keys].map((key) => ({ key, current: cur.get(key) ?? 0, previous: prev.get(key) ?? 0 }));
}

/** A period against the same period one year earlier; optionally one metric broken down. */
export async function compare(
  db: Db,
  period: Period,
  district: string | null,
  breakdownMetric: Metric | null = null,
): Promise<Comparison> {
  const previous = previousPeriod(period);
  const cur = await periodFigures(db, period, district, breakdownMetric);
  const prev = await periodFigures(db, previous, district, breakdownMetric);
  const rows = METRICS.map((metric) => {
    const pct = changePct(cur.totals[metric].value, prev.totals[metric].value);
    return {
      metric,
      current: cur.totals[metric],
      previous: prev.totals[metric],
      changePct: pct,
      verdict: verdict(metric, pct),
    };
  });
  let breakdown: Comparison["breakdown"] = null;
  if (breakdownMetric && cur.breakdown && prev.breakdown) {
    const districts = [...new Set([...cur.breakdown.byDistrict.keys(), ...prev.breakdown.byDistrict.keys()])].sort(
      (a, b) => a.localeCompare(b, "zh"),
    );
    breakdown = {
      metric: breakdownMetric,
      byFraudType: breakdownRows(cur.breakdown.byFraudType, prev.breakdown.byFraudType, [
        ...FRAUD_TYPES,
        "",
        BASELINE_BUCKET,
      ]),
      byDistrict: breakdownRows(cur.breakdown.byDistrict, prev.breakdown.byDistrict, districts),
    };
  }
  return {
    period,
    previous,
    district,
    rows,
    breakdown,
    partialBaselineMonths: [...new Set([...cur.partialBaselineMonths, ...prev.partialBaselineMonths])].sort(),
  };
}

type MonthlyPoint = { month: string; value: number; source: Source } | null;
export type YearChart = {
  year: number;
  /** "01" … "12": the months charted (a quarter charts its three). */
  months: string[];
  series: Record<Metric, { current: MonthlyPoint[]; previous: MonthlyPoint[] }>;
  /** Index in `months` of the month still running (its point counts only the days so far), or null. */
  partial: number | null;
};

/**
 * This year against last year, month by month, for every metric (the screen picks one); the
 * whole year, or months first..last of it (a quarter). Months after `today` have no point yet.
 * Unrecorded months use their baseline.
 */
export async function yearChart(
  db: Db,
  year: number,
  district: string | null,
  today: string,
  span: { first: number; last: number } = { first: 1, last: 12 },
): Promise<YearChart> {
  const first = `${year - 1}-01`;
  const last = `${year}-12`;
  const { recorded, values } = await monthFigures(db, first, last, district);
  const allMonths = monthsOf({ from: `${first}-01`, to: `${last}-01` });
  const baselineRows = await stmts(db).baselines.all({ first, last });
  const base = new Map(
    allMonths.filter((m) => !recorded.has(m)).map((m) => [m, baselineFigures(baselineRows, new Set([m]), district)]),
  );

  const point = (month: string, metric: Metric): MonthlyPoint => {
    if (month > today.slice(0, 7)) return null;
    const b = base.get(month);
    if (b?.used.has(metric)) return { month, value: b.total[metric], source: "baseline" };
    return { month, value: values.get(`${month}|${metric}`) ?? 0, source: "records" };
  };
  const shown = (months: string[]) => months.slice(span.first - 1, span.last);
  const series = {} as YearChart["series"];
  for (const metric of METRICS) {
    series[metric] = {
      current: shown(allMonths.slice(12)).map((m) => point(m, metric)),
      previous: shown(allMonths.slice(0, 12)).map((m) => point(m, metric)),
    };
  }
  const current = shown(allMonths.slice(12));
  const running = current.indexOf(today.slice(0, 7));
  return { year, months: current.map((m) => m.slice(5)), series, partial: running >= 0 ? running : null };
}

export type BaselineSummary = { metric: Metric; rows: number; first: string; last: string; districts: number };

/** What baselines are on file, per metric. */
export async function baselineSummary(db: Db): Promise<BaselineSummary[]> {
  const b = baselineTotals;
  return await db
    .select({
      metric: sql<Metric>`${b.metric}`,
      rows: count(),
      first: sql<string>`min(${b.month})`,
      last: sql<string>`max(${b.month})`,
      districts: countDistinct(sql`nullif(${b.district}, '')`),
    })
    .from(b)
    .groupBy(b.metric)
    .orderBy(b.metric)
    .all();
}

/** Districts of alerts, warnings and baselines, for the filter (from the small tables). */
export async function knownDistricts(db: Db): Promise<string[]> {
  const rows = await db
    .select({ district: statsMonthly.district })
    .from(statsMonthly)
    .where(and(inArray(statsMonthly.metric, ["alerts", "warnings"]), ne(statsMonthly.district, "")))
    .union(db.select({ district: baselineTotals.district }).from(baselineTotals).where(ne(baselineTotals.district, "")))
    .orderBy(statsMonthly.district)
    .all();
  // a district typed with a phone number or account in it is offered to no one (its figures
  // still count, under its masked name in the breakdown)
  return rows.map((r) => r.district).filter((d) => maskFreeText(d) === d);
}

/** Each pre-aggregated table, its key, and what it must equal, recounted from one level down. */
const RECOUNTS: { table: SQLiteTable; key: string[]; fresh: SQL }[] = [
  {
    table: statsDaily,
    key: ["metric", "day", "district", "fraud_type"],
    fresh: sql`SELECT metric, day, district, fraud_type, sum(value) AS value FROM stats_facts GROUP BY 1, 2, 3, 4`,
  },
  {
    table: statsMonthly,
    key: ["metric", "month", "district", "fraud_type"],
    fresh: sql`SELECT metric, substr(day, 1, 7) AS month, district, fraud_type, sum(value) AS value FROM ${statsDaily} GROUP BY 1, 2, 3, 4`,
  },
  {
    table: statsDailyCity,
    key: ["metric", "day"],
    fresh: sql`SELECT metric, day, sum(value) AS value FROM ${statsDaily} GROUP BY 1, 2`,
  },
  {
    table: statsMonthlyCity,
    key: ["metric", "month"],
    fresh: sql`SELECT metric, substr(day, 1, 7) AS month, sum(value) AS value FROM ${statsDaily} GROUP BY 1, 2`,
  },
];

/**
 * Differences between the pre-aggregated tables and a full recount from the records (empty
 * when they agree): stats_daily against the facts views, the others against stats_daily.
 * The triggers' correctness check, and a repair tool's first step.
 */
export async function recountDifferences(
  db: Db,
): Promise<{ table: string; key: string; stored: number; recounted: number }[]> {
  const found = await inOrder(RECOUNTS, async ({ table, key, fresh }) => {
    const cols = sql.join(
      key.map((k) => sql.identifier(k)),
      sql`, `,
    );
    const keyText = sql.join(
      key.map((k) => sql`k.${sql.identifier(k)}`),
      sql` || '|' || `,
    );
    return (
      await db.all<{ key: string; stored: number; recounted: number }>(
        sql`WITH fresh AS (${fresh}), keys AS (SELECT ${cols} FROM fresh UNION SELECT ${cols} FROM ${table})
         SELECT ${keyText} AS key, coalesce(s.value, 0) AS stored, coalesce(f.value, 0) AS recounted
         FROM keys k LEFT JOIN ${table} s USING (${cols}) LEFT JOIN fresh f USING (${cols})
         WHERE coalesce(s.value, 0) <> coalesce(f.value, 0)`,
      )
    ).map((r) => ({ table: getTableName(table), ...r }));
  });
  return found.flat();
}
