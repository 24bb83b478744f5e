// /stats: the year-on-year screen, its exports, the monthly bulletin, baseline import.

import type { Context } from "hono";
import { Hono } from "hono";
import { BaselinePanel, BaselinesPage } from "../../views/stats/baselines";
import { BulletinPage } from "../../views/stats/bulletin";
import { StatsPage } from "../../views/stats/page";
import { statsTable } from "../../views/stats/tables";
import { allow } from "../auth/middleware";
import { can } from "../domain/access";
import { shanghaiDate } from "../domain/time";
import { capAtToday, lastFullMonth, type Metric, monthPeriod, quarterOf } from "../domain/yoy";
import { sendTable } from "../exports/tabular";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { badRequest, invalid } from "../http/errors";
import { putFlash, takeFlash } from "../http/flash";
import { type FormErrors, formErrors, render, wantsFragment } from "../http/render";
import { startImport, whenSettled } from "../imports/engine";
import { getImport, rejectionsPage } from "../imports/service";
import { receiveUpload } from "../imports/upload";
import { baselineImport } from "./import";
import { bulletinQuery, exportQuery, readPeriod } from "./schemas";
import { baselineSummary, compare, knownDistricts, yearChart } from "./service";

/** Baseline files are a few hundred rows; anything this large is not one. */
export const MAX_BASELINE_BYTES = 5 * 1024 * 1024;
const BASELINE_FLASH = "stats.baseline";

const today = (c: Context<AppEnv>) => shanghaiDate(c.var.deps.clock.now());

/** The last twelve quarters, newest first, for the picker. */
function recentQuarters(day: string): string[] {
  const [y, q] = quarterOf(day).split("-Q").map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const n = y * 4 + (q - 1) - i;
    return `${Math.floor(n / 4)}-Q${(n % 4) + 1}`;
  });
}

/** Months first..last of quarter YYYY-Qn. */
function quarterSpan(quarter: string): { first: number; last: number } {
  const n = Number(quarter.slice(-1));
  return { first: n * 3 - 2, last: n * 3 };
}

/** What the screen and its exports show for the picker's state. */
async function screen(c: Context<AppEnv>, raw: Record<string, string>) {
  const db = c.var.deps.db;
  const day = today(c);
  // statistics open on the last full month, not on the few days of the running one
  const { query: q, resolved, period, issues } = readPeriod(raw, c.var.deps.clock.now(), "lastFull");
  // a quarter charts its three months; every other period the year it ends in
  const span = resolved.kind === "quarter" ? quarterSpan(resolved.quarter) : undefined;
  return {
    q,
    resolved,
    issues,
    today: day,
    cmp: period ? await compare(db, period, q.district, q.metric) : null,
    chart: period ? await yearChart(db, Number(period.to.slice(0, 4)), q.district, day, span) : null,
  };
}

export const statsRoutes = new Hono<AppEnv>()
  .get("/", allow("stats.read"), async (c) => {
    const t = c.var.t;
    const raw = c.req.query();
    const s = await screen(c, raw);
    return render(
      c,
      t("nav.stats"),
      <StatsPage
        t={t}
        resolved={s.resolved}
        form={{
          kind: raw.kind ?? s.resolved.kind,
          month: raw.month || s.resolved.month,
          quarter: raw.quarter || s.resolved.quarter,
          from: raw.from ?? (s.resolved.kind === "custom" ? (s.resolved.period?.from ?? "") : ""),
          to: raw.to ?? (s.resolved.kind === "custom" ? (s.resolved.period?.to ?? "") : ""),
        }}
        query={{ district: s.q.district, metric: s.q.metric as Metric }}
        districts={await knownDistricts(c.var.deps.db)}
        quarters={recentQuarters(today(c))}
        cmp={s.cmp}
        chart={s.chart}
        today={s.today}
        issues={s.issues}
        canImport={can(c.var.actor!, "stats.import")}
      />,
      s.issues.length ? 422 : 200,
    );
  })
  .get("/export", allow("stats.read"), async (c) => {
    const which = exportQuery.safeParse(c.req.query());
    if (!which.success) throw badRequest(which.error);
    const s = await screen(c, c.req.query());
    const t = c.var.t;
    if (!s.cmp || !s.chart) throw invalid(s.issues, t("stats.invalid"));
    const table = statsTable(t, which.data.table, s.cmp, s.chart);
    const { from, to } = s.cmp.period;
    return await sendTable(c, {
      sheet: t(`stats.table.${which.data.table}`),
      filename: `${t("nav.stats")}-${t(`stats.table.${which.data.table}`)}-${from}_${to}${s.q.district ? `-${s.q.district}` : ""}`,
      format: which.data.format,
      columns: table.columns,
      rows: table.rows,
      audit: {
        entity: "stats",
        detail: { table: which.data.table, from, to, district: s.q.district, metric: s.q.metric },
      },
    });
  })
  .get("/bulletin", allow("stats.read"), async (c) => {
    const parsed = bulletinQuery.safeParse(c.req.query());
    if (!parsed.success) throw badRequest(parsed.error);
    const day = today(c);
    const { month = lastFullMonth(day), district } = parsed.data;
    const db = c.var.deps.db;
    const period = capAtToday(monthPeriod(month), day);
    const ytd = { from: `${month.slice(0, 4)}-01-01`, to: period.to };
    const t = c.var.t;
    return render(
      c,
      t("bulletin.title", { month }),
      <BulletinPage
        t={t}
        month={month}
        district={district}
        monthCmp={await compare(db, period, district, "alerts")}
        ytdCmp={await compare(db, ytd, district)}
        chart={await yearChart(db, Number(month.slice(0, 4)), district, period.to)}
        today={day}
        generatedAt={c.var.deps.clock.now()}
      />,
    );
  })
  .get("/baselines", allow("stats.read", "stats.import"), async (c) => {
    // the report of an import a plain form just sent (its POST redirected here)
    const done = await takeFlash<{ id: number; repeated: boolean }>(c, BASELINE_FLASH);
    const record = done ? await getImport(c.var.deps.db, done.id) : null;
    const result = record
      ? { record, repeated: done!.repeated, rejections: await rejectionsPage(c.var.deps.db, record.id, 100) }
      : {};
    return render(
      c,
      c.var.t("baseline.title"),
      <BaselinesPage t={c.var.t} summary={await baselineSummary(c.var.deps.db)} {...result} />,
    );
  })
  .post("/baselines", allow("stats.read", "stats.import"), async (c) => {
    // the engine reads the file in a worker and records it in batches; a baseline file is small,
    // so the answer waits for the import to finish and shows its report
    const t = c.var.t;
    const { deps } = c.var;
    const answer = async (
      result: Omit<Parameters<typeof BaselinePanel>[0], "t" | "summary">,
      status: 200 | FormErrors["status"],
    ) => {
      const node = <BaselinePanel t={t} summary={await baselineSummary(deps.db)} {...result} />;
      return wantsFragment(c) ? c.html(node, 200) : render(c, t("baseline.title"), node, status);
    };
    try {
      const received = await receiveUpload(c.req.raw, "file", MAX_BASELINE_BYTES);
      const started = await startImport(deps, who(c), {
        kind: baselineImport.kind,
        filename: received.filename,
        path: received.path,
        sha256: received.sha256,
      });
      await whenSettled(deps, started.id);
      const record = (await getImport(deps.db, started.id))!;
      if (!wantsFragment(c)) {
        // a plain form: 303 to the page, which shows the report once; a reload sends nothing again
        await putFlash(c, BASELINE_FLASH, { id: started.id, repeated: started.repeated });
        return c.redirect("/stats/baselines", 303);
      }
      return await answer(
        { record, repeated: started.repeated, rejections: await rejectionsPage(deps.db, started.id, 100) },
        200,
      );
    } catch (e) {
      const shown = formErrors(c, e);
      if (!shown) throw e;
      return await answer({ error: shown.error, issues: shown.issues }, shown.status);
    }
  });
