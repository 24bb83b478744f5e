// /publicity: the high-risk lists (宣传高危名单), the door-to-door visit list, and their exports.
// Every row comes masked from the publicity service; every export and every view of the
// person-level visit list is audited.
import { type Context, Hono } from "hono";
import type { Key } from "../../views/i18n";
import { PublicityPage, VisitsPage } from "../../views/publicity/page";
import {
  ageBandsTable,
  districtsTable,
  fraudTypesTable,
  suspectNumbersTable,
  type Table,
  visitSummaryTable,
  visitsTable,
} from "../../views/publicity/tables";
import { periodQuery } from "../../views/supervision/period";
import { allow } from "../auth/middleware";
import { sendTable } from "../exports/tabular";
import { audit } from "../http/audit";
import type { AppEnv } from "../http/context";
import { badRequest, invalid } from "../http/errors";
import { render } from "../http/render";
import { readPeriod } from "../stats/schemas";
import { exportParams, exportQuery, type PublicityTable, pageQuery } from "./schemas";
import {
  ageBandsByTargets,
  districtsByTargets,
  fraudTypesOnTheRise,
  publicityLists,
  topSuspectNumbers,
  visitSummary,
  visitTargets,
} from "./service";

/** Rows per page of the visit list on screen; the export has them all. */
const VISIT_ROWS = 100;

const choose = (c: Context<AppEnv>) => {
  const choice = readPeriod(c.req.query(), c.var.deps.clock.now());
  return { ...choice, district: choice.query.district };
};

export const publicityRoutes = new Hono<AppEnv>()
  .get("/", allow("publicity.read"), async (c) => {
    const { t, lang } = c.var;
    const { resolved, period, issues } = choose(c);
    return render(
      c,
      t("nav.publicity"),
      <PublicityPage
        t={t}
        lang={lang}
        resolved={resolved}
        query={periodQuery(resolved)}
        issues={issues}
        lists={period ? await publicityLists(c.var.deps.db, period) : null}
      />,
      issues.length ? 422 : 200,
    );
  })
  .get("/visits", allow("publicity.read"), async (c) => {
    const t = c.var.t;
    const { resolved, period, issues, district } = choose(c);
    const db = c.var.deps.db;
    const { page } = pageQuery.parse(c.req.query());
    // one row more than a page says whether there is a next one
    const found = period
      ? await visitTargets(db, period, { district, limit: VISIT_ROWS + 1, offset: (page - 1) * VISIT_ROWS })
      : null;
    const rows = found && found.slice(0, VISIT_ROWS);
    // masked, but still a list of people: who looked at it is on record
    if (period && rows)
      await audit(c, {
        action: "view",
        entity: "publicity_visits",
        detail: { from: period.from, to: period.to, district, page, rows: rows.length },
      });
    return render(
      c,
      t("publicity.visitsList"),
      <VisitsPage
        t={t}
        resolved={resolved}
        query={periodQuery(resolved)}
        issues={issues}
        district={district}
        districts={period ? await visitSummary(db, period) : []}
        rows={rows}
        paging={{ page, size: VISIT_ROWS, more: !!found && found.length > VISIT_ROWS }}
      />,
      issues.length ? 422 : 200,
    );
  })
  .get("/export/:table", allow("publicity.read"), async (c) => {
    const { t, lang } = c.var;
    const params = exportParams.safeParse(c.req.param());
    if (!params.success) throw badRequest(params.error);
    const q = exportQuery.safeParse(c.req.query());
    if (!q.success) throw badRequest(q.error);
    const { period, issues, district } = choose(c);
    if (!period) throw invalid(issues, t("stats.invalid"));
    const name = params.data.table;
    const db = c.var.deps.db;
    const tables: Record<PublicityTable, () => Promise<Table>> = {
      fraudTypes: async () => fraudTypesTable(t, await fraudTypesOnTheRise(db, period)),
      districts: async () => districtsTable(t, await districtsByTargets(db, period)),
      ageBands: async () => ageBandsTable(t, await ageBandsByTargets(db, period)),
      suspectNumbers: async () => suspectNumbersTable(t, lang, await topSuspectNumbers(db, period)),
      visitSummary: async () => visitSummaryTable(t, await visitSummary(db, period)),
      visits: async () => visitsTable(t, await visitTargets(db, period, { district })),
    };
    const titles: Record<PublicityTable, Key> = {
      fraudTypes: "publicity.fraudTypes",
      districts: "publicity.districts",
      ageBands: "publicity.ageBands",
      suspectNumbers: "publicity.suspectNumbers",
      visitSummary: "publicity.visits",
      visits: "publicity.visitsList",
    };
    const scoped = name === "visits" && district;
    return await sendTable(c, {
      filename: `${t(titles[name])}-${period.from}_${period.to}${scoped ? `-${district}` : ""}`,
      sheet: t(titles[name]),
      format: q.data.format,
      ...(await tables[name]()),
      audit: {
        entity: "publicity",
        detail: { table: name, from: period.from, to: period.to, ...(scoped ? { district } : {}) },
      },
    });
  });
