// The monthly bulletin (月通报): one printable page — this month and the year so far against
// last year, "two down, two up", alerts by fraud type and district, the year's months.

import { formatInstant } from "../../src/domain/time";
import { formatChangePct, type Metric } from "../../src/domain/yoy";
import type { Comparison, YearChart } from "../../src/stats/service";
import type { T } from "../i18n";
import { districtLabel, fraudTypeLabel } from "./labels";
import { BreakdownTable, ChartScripts, MetricsTable, PartialNote, YearChartCard } from "./page";

const TWO_DOWN_TWO_UP: Metric[] = ["alerts", "casesFiled", "casesSolved", "suspectsDetained"];

function trend(t: T, cmp: Comparison, metric: Metric): string {
  const row = cmp.rows.find((r) => r.metric === metric)!;
  const name = t(`stats.m.${metric}`);
  if (row.changePct === null) return t("bulletin.trendNone", { metric: name });
  if (row.changePct === 0) return t("bulletin.trendFlat", { metric: name });
  const pct = formatChangePct(Math.abs(row.changePct)).replace("+", "");
  return t(row.changePct < 0 ? "bulletin.trendDown" : "bulletin.trendUp", { metric: name, pct });
}

export function BulletinPage(props: {
  t: T;
  month: string;
  district: string | null;
  monthCmp: Comparison;
  ytdCmp: Comparison;
  chart: YearChart;
  today: string;
  generatedAt: number;
}) {
  const { t, monthCmp, ytdCmp, today } = props;
  return (
    <article class="bulletin" data-testid="bulletin">
      <form method="get" action="/stats/bulletin" class="row no-print" data-testid="bulletin-month">
        <a href={`/stats?kind=month&month=${props.month}`}>{t("nav.stats")}</a>
        <label class="inline-label">
          {t("bulletin.month")} <input type="month" name="month" value={props.month} max={today.slice(0, 7)} required />
        </label>
        {props.district && <input type="hidden" name="district" value={props.district} />}
        <button type="submit">{t("stats.show")}</button>
        <button type="button" data-print>
          {t("bulletin.print")}
        </button>
      </form>
      <h1>{t("bulletin.title", { month: props.month })}</h1>
      <p class="muted">
        {t("bulletin.scope", { scope: props.district ?? t("stats.allDistricts"), to: monthCmp.period.to })} ·{" "}
        {t("stats.periodLine", {
          from: monthCmp.period.from,
          to: monthCmp.period.to,
          pfrom: monthCmp.previous.from,
          pto: monthCmp.previous.to,
        })}{" "}
        <PartialNote t={t} cmp={monthCmp} today={today} />
      </p>
      <p data-testid="two-down-two-up">
        <strong>
          {t("bulletin.twoDownTwoUp", { text: TWO_DOWN_TWO_UP.map((m) => trend(t, monthCmp, m)).join("；") })}
        </strong>
      </p>
      <h2>{t("bulletin.monthSection")}</h2>
      <MetricsTable t={t} cmp={monthCmp} today={today} />
      <h2>{t("bulletin.ytdSection", { from: ytdCmp.period.from, to: ytdCmp.period.to })}</h2>
      <MetricsTable t={t} cmp={ytdCmp} today={today} />
      <div class="grid two">
        <section>
          <h2>{t("bulletin.fraudSection")}</h2>
          <BreakdownTable
            t={t}
            rows={monthCmp.breakdown?.byFraudType ?? []}
            metric="alerts"
            keyHeader={t("field.fraudType")}
            label={fraudTypeLabel}
            testid="bulletin-fraud"
          />
        </section>
        <section>
          <h2>{t("bulletin.districtSection")}</h2>
          <BreakdownTable
            t={t}
            rows={monthCmp.breakdown?.byDistrict ?? []}
            metric="alerts"
            keyHeader={t("field.district")}
            label={districtLabel}
            testid="bulletin-district"
          />
        </section>
      </div>
      <h2>{t("bulletin.chartSection")}</h2>
      <YearChartCard
        t={t}
        chart={props.chart}
        metric="alerts"
        id="bulletin-chart"
        title={t("bulletin.chartSection")}
        picker={false}
        today={today}
      />
      <p class="muted">{t("bulletin.generated", { at: formatInstant(props.generatedAt) })}</p>
      <ChartScripts />
    </article>
  );
}
