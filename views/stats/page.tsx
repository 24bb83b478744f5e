// The year-on-year screen (同比统计): period picker, key figures, chart, breakdowns, exports.

import {
  changePct,
  formatChangePct,
  isPartial,
  METRICS,
  type Metric,
  MONEY_METRICS,
  verdict,
} from "../../src/domain/yoy";
import type { Issue } from "../../src/http/errors";
import type { ResolvedPeriod } from "../../src/stats/schemas";
import type { BreakdownRow, Comparison, YearChart } from "../../src/stats/service";
import { Errors } from "../components";
import type { T } from "../i18n";
import { districtLabel, formatValue, fraudTypeLabel, metricLabel, sourceLabel } from "./labels";
import type { TableName } from "./tables";

export type StatsPageProps = {
  t: T;
  resolved: ResolvedPeriod;
  /** What the picker shows: what the user typed, else the resolved period. */
  form: { kind: string; month: string; quarter: string; from: string; to: string };
  query: { district: string | null; metric: Metric };
  districts: string[];
  quarters: string[];
  cmp: Comparison | null;
  chart: YearChart | null;
  /** Shanghai date: a period that includes it is marked as not over. */
  today: string;
  issues?: Issue[];
  canImport: boolean;
};

/** The picker's state as a query string, for export links. */
function stateQuery(p: Pick<StatsPageProps, "resolved" | "query">): string {
  const q = new URLSearchParams({
    kind: p.resolved.kind,
    month: p.resolved.month,
    quarter: p.resolved.quarter,
    metric: p.query.metric,
  });
  if (p.resolved.kind === "custom" && p.resolved.period) {
    q.set("from", p.resolved.period.from);
    q.set("to", p.resolved.period.to);
  }
  if (p.query.district) q.set("district", p.query.district);
  return q.toString();
}

function ExportLinks(props: { t: T; table: TableName; state: string }) {
  const href = (format: string) => `/stats/export?${props.state}&table=${props.table}&format=${format}`;
  return (
    <span class="exports no-print" data-testid={`export-${props.table}`}>
      {props.t("stats.export")}:{" "}
      <a href={href("xlsx")} data-testid={`export-${props.table}-xlsx`}>
        XLSX
      </a>{" "}
      · <a href={href("csv")}>CSV</a>
    </span>
  );
}

/** The change, coloured by whether it is good for this metric; "—" when last year was 0. */
function Change(props: { metric: Metric; pct: number | null }) {
  const v = verdict(props.metric, props.pct);
  return <span class={v === "good" || v === "bad" ? v : "muted"}>{formatChangePct(props.pct)}</span>;
}

/** A period not over yet compares only its days so far: the tables and the chart say so. */
export function PartialNote(props: { t: T; cmp: Comparison; today: string }) {
  if (!isPartial(props.cmp.period, props.today)) return null;
  return (
    <span class="pill warn" data-testid="partial-period">
      {props.t("stats.partial", { to: props.cmp.period.to < props.today ? props.cmp.period.to : props.today })}
    </span>
  );
}

export function MetricsTable(props: { t: T; cmp: Comparison; showSource?: boolean; today: string }) {
  const { t, cmp } = props;
  const partial = isPartial(cmp.period, props.today);
  return (
    <table data-testid="metrics-table">
      <thead>
        <tr>
          <th>{t("stats.metric")}</th>
          <th class="num" data-partial={partial ? "true" : undefined}>
            {t(partial ? "stats.currentPartial" : "publicity.col.current")}
          </th>
          <th class="num">{t("stats.previous")}</th>
          <th class="num">{t("stats.change")}</th>
          {props.showSource !== false && <th>{t("stats.source")}</th>}
        </tr>
      </thead>
      <tbody>
        {cmp.rows.map((r) => (
          <tr data-testid={`metric-${r.metric}`}>
            <td>{metricLabel(t, r.metric)}</td>
            <td class="num">{formatValue(r.metric, r.current.value)}</td>
            <td class="num">{formatValue(r.metric, r.previous.value)}</td>
            <td class="num" data-testid={`change-${r.metric}`}>
              <Change metric={r.metric} pct={r.changePct} />
            </td>
            {props.showSource !== false && (
              <td class="muted" data-testid={`source-${r.metric}`}>
                {r.current.source === r.previous.source
                  ? sourceLabel(t, r.current.source)
                  : `${sourceLabel(t, r.current.source)} / ${sourceLabel(t, r.previous.source)}`}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BreakdownTable(props: {
  t: T;
  rows: BreakdownRow[];
  metric: Metric;
  keyHeader: string;
  label: (t: T, k: string) => string;
  testid: string;
}) {
  const { t, metric } = props;
  const rows = [...props.rows].sort((a, b) => b.current - a.current || b.previous - a.previous);
  return (
    <table data-testid={props.testid}>
      <thead>
        <tr>
          <th>{props.keyHeader}</th>
          <th class="num">{t("publicity.col.current")}</th>
          <th class="num">{t("stats.previous")}</th>
          <th class="num">{t("stats.change")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>{props.label(t, r.key)}</td>
            <td class="num">{formatValue(metric, r.current)}</td>
            <td class="num">{formatValue(metric, r.previous)}</td>
            <td class="num">
              <Change metric={metric} pct={changePct(r.current, r.previous)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What charts.js draws: both years for every metric, money in yuan. */
function chartData(t: T, chart: YearChart, metric: Metric) {
  return {
    metric,
    labels: chart.months.map((m, i) =>
      t(i === chart.partial ? "stats.monthLabelPartial" : "stats.monthLabel", { m: Number(m) }),
    ),
    // the running month's point: drawn apart, its line dashed (charts.js)
    partial: chart.partial,
    currentLabel: t("stats.thisYear", { year: chart.year }),
    previousLabel: t("stats.thisYear", { year: chart.year - 1 }),
    metrics: Object.fromEntries(
      METRICS.map((m) => {
        const scale = MONEY_METRICS.has(m) ? 100 : 1;
        const values = (points: YearChart["series"][Metric]["current"]) =>
          points.map((p) => (p ? p.value / scale : null));
        return [
          m,
          {
            label: metricLabel(t, m),
            current: values(chart.series[m].current),
            previous: values(chart.series[m].previous),
          },
        ];
      }),
    ),
  };
}

export function YearChartCard(props: {
  t: T;
  chart: YearChart;
  metric: Metric;
  id: string;
  title: string;
  picker: boolean;
  today: string;
}) {
  const { t } = props;
  return (
    <>
      {props.picker && (
        <label class="no-print inline-label">
          {t("stats.chartMetric")}{" "}
          <select data-chart-metric={props.id}>
            {METRICS.map((m) => (
              <option value={m} selected={m === props.metric}>
                {metricLabel(t, m)}
              </option>
            ))}
          </select>
        </label>
      )}
      <div class="chart-box">
        <canvas
          id={props.id}
          data-chart={JSON.stringify(chartData(t, props.chart, props.metric))}
          data-testid={props.id}
          role="img"
          aria-label={props.title}
        ></canvas>
      </div>
      {props.chart.partial !== null && (
        <p class="muted" data-testid={`${props.id}-partial`}>
          {t("stats.chartPartial", { m: Number(props.chart.months[props.chart.partial]), to: props.today })}
        </p>
      )}
    </>
  );
}

/** Chart.js and our drawing script, loaded only where a chart is. */
export function ChartScripts() {
  return (
    <>
      <script src="/static/chart.umd.js" defer></script>
      <script src="/static/charts.js" defer></script>
    </>
  );
}

function PeriodForm(props: StatsPageProps) {
  const { t, form, query } = props;
  return (
    <form method="get" action="/stats" class="card row no-print" data-testid="period-form">
      <label>
        {t("stats.kind")}
        <select name="kind">
          {(["month", "quarter", "ytd", "custom"] as const).map((k) => (
            <option value={k} selected={form.kind === k}>
              {t(`stats.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("field.month")}
        <input type="month" name="month" value={form.month} />
      </label>
      <label>
        {t("field.quarter")}
        <select name="quarter">
          {props.quarters.map((q) => (
            <option value={q} selected={form.quarter === q}>
              {t("stats.quarterName", { year: q.slice(0, 4), n: q.slice(-1) })}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("field.from")}
        <input type="date" name="from" value={form.from} />
      </label>
      <label>
        {t("field.to")}
        <input type="date" name="to" value={form.to} />
      </label>
      <label>
        {t("field.district")}
        <select name="district">
          <option value="">{t("stats.allDistricts")}</option>
          {props.districts.map((d) => (
            <option value={d} selected={query.district === d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("stats.breakdownMetric")}
        <select name="metric">
          {METRICS.map((m) => (
            <option value={m} selected={query.metric === m}>
              {metricLabel(t, m)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="primary">
        {t("stats.show")}
      </button>
    </form>
  );
}

export function StatsPage(props: StatsPageProps) {
  const { t, cmp, chart, query } = props;
  const state = stateQuery(props);
  const bulletinMonth = cmp ? cmp.period.to.slice(0, 7) : props.resolved.month;
  const chartTitle = props.resolved.kind === "quarter" ? "stats.chartQuarter" : "stats.chart";
  return (
    <>
      <h1>
        {t("nav.stats")}{" "}
        <small class="no-print">
          <a
            href={`/stats/bulletin?month=${bulletinMonth}${query.district ? `&district=${encodeURIComponent(query.district)}` : ""}`}
          >
            {t("stats.bulletin")}
          </a>
          {props.canImport && (
            <>
              {" · "}
              <a href="/stats/baselines">{t("stats.baselines")}</a>
            </>
          )}
        </small>
      </h1>
      <PeriodForm {...props} />
      {props.issues && props.issues.length > 0 && <Errors message={t("stats.invalid")} issues={props.issues} />}
      {cmp && chart && (
        <>
          <p data-testid="period-line">
            {t("stats.periodLine", {
              from: cmp.period.from,
              to: cmp.period.to,
              pfrom: cmp.previous.from,
              pto: cmp.previous.to,
            })}
            {query.district && <span class="pill">{query.district}</span>}{" "}
            <PartialNote t={t} cmp={cmp} today={props.today} />
          </p>
          {cmp.partialBaselineMonths.length > 0 && (
            <p class="warn-box" data-testid="partial-baseline">
              {t("stats.partialBaseline", { months: cmp.partialBaselineMonths.join(", ") })}
            </p>
          )}
          <section class="card">
            <h2>
              {t("stats.metrics")} <ExportLinks t={t} table="metrics" state={state} />
            </h2>
            <MetricsTable t={t} cmp={cmp} today={props.today} />
            <p class="muted">{t("stats.goodDirection")}</p>
          </section>
          <section class="card">
            <h2>
              {t(chartTitle)} <ExportLinks t={t} table="months" state={state} />
            </h2>
            <YearChartCard
              t={t}
              chart={chart}
              metric={query.metric}
              id="yoy-chart"
              title={t(chartTitle)}
              picker
              today={props.today}
            />
          </section>
          <div class="grid two">
            <section class="card">
              <h2>
                {t("stats.byFraudType")} · {metricLabel(t, query.metric)}{" "}
                <ExportLinks t={t} table="fraudTypes" state={state} />
              </h2>
              <BreakdownTable
                t={t}
                rows={cmp.breakdown?.byFraudType ?? []}
                metric={query.metric}
                keyHeader={t("field.fraudType")}
                label={fraudTypeLabel}
                testid="by-fraud-type"
              />
            </section>
            <section class="card">
              <h2>
                {t("stats.byDistrict")} · {metricLabel(t, query.metric)}{" "}
                <ExportLinks t={t} table="districts" state={state} />
              </h2>
              <BreakdownTable
                t={t}
                rows={cmp.breakdown?.byDistrict ?? []}
                metric={query.metric}
                keyHeader={t("field.district")}
                label={districtLabel}
                testid="by-district"
              />
            </section>
          </div>
          <ChartScripts />
        </>
      )}
    </>
  );
}
