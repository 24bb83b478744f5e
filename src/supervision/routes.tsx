// /supervision: the board (督办看板) — live traffic lights and overdue lists, response times
// for a period against the same period last year, and an export of every table.
import { type Context, Hono } from "hono";
import { LiveBoard, SupervisionPage } from "../../views/supervision/page";
import { periodQuery } from "../../views/supervision/period";
import { liveTable, TABLE_TITLES, timesTable } from "../../views/supervision/tables";
import { allow } from "../auth/middleware";
import { liveStream } from "../events";
import { sendTable } from "../exports/tabular";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { badRequest, invalid, validationError } from "../http/errors";
import { idOf } from "../http/query";
import { render } from "../http/render";
import { readPeriod } from "../stats/schemas";
import { exportParams, exportQuery, isTimesTable, requestKindQuery, UrgeForm } from "./schemas";
import { board, responseTimes } from "./service";
import { recentUrges, type UrgeSubject, urge } from "./urge";

/** Rows each list shows on screen; the counts and the exports have them all. */
const SCREEN_ROWS = 50;
const NUDGE_GAP_MS = 2_000;
/** What the board shows moves when these channels speak (src/events.ts). */
const LIVE_CHANNELS = ["supervision", "requests", "queue"];

async function liveBoard(c: Context<AppEnv>, limit: number) {
  const { db, clock, config } = c.var.deps;
  return { ...(await board(db, clock.now(), config, limit)), urges: await recentUrges(db, clock.now()) };
}

export const supervisionRoutes = new Hono<AppEnv>()
  .get("/", allow("supervision.read"), async (c) => {
    const { t, lang } = c.var;
    const now = c.var.deps.clock.now();
    const choice = readPeriod(c.req.query(), now);
    const kind = requestKindQuery.safeParse(c.req.query("requestKind"));
    const issues = [
      ...choice.issues,
      ...(kind.success ? [] : [{ path: "requestKind", message: kind.error.issues[0]!.message }]),
    ];
    const requestKind = kind.success ? kind.data : undefined;
    const times =
      choice.period && !issues.length ? await responseTimes(c.var.deps.db, choice.period, requestKind) : null;
    return render(
      c,
      t("supervision.title"),
      <SupervisionPage
        t={t}
        lang={lang}
        now={now}
        board={await liveBoard(c, SCREEN_ROWS)}
        resolved={choice.resolved}
        query={periodQuery(choice.resolved, { requestKind })}
        requestKind={requestKind ?? null}
        issues={issues}
        times={times}
      />,
      issues.length ? 422 : 200,
    );
  })
  // 督办: a supervisor urges an overdue request or target; the board reloads itself (SSE)
  .post("/urge/:what{request|target}/:id{[0-9]+}", allow("supervision.read"), async (c) => {
    const note = UrgeForm.safeParse(await c.req.parseBody());
    if (!note.success) throw validationError(note.error);
    await urge(c.var.deps, who(c), c.req.param("what") as UrgeSubject, idOf(c), note.data.note ?? null);
    if (c.req.header("HX-Request") === "true") return c.body(null, 204);
    // back to the page the button was on (the board, the request, the target), same origin only
    const ref = c.req.header("Referer");
    const back =
      ref && URL.canParse(ref) && new URL(ref).origin === new URL(c.req.url).origin
        ? new URL(ref).pathname
        : "/supervision";
    return c.redirect(back, 303);
  })
  // the self-refreshing part alone, for htmx polling and SSE nudges
  .get("/live", allow("supervision.read"), async (c) => {
    c.header("Cache-Control", "no-store");
    return c.html(
      <LiveBoard t={c.var.t} lang={c.var.lang} board={await liveBoard(c, SCREEN_ROWS)} now={c.var.deps.clock.now()} />,
    );
  })
  // "something changed": a request moved, the warning queue moved, or the clock escalated
  // something — open boards reload their live part, at most once per NUDGE_GAP_MS
  .get("/events", allow("supervision.read"), (c) =>
    liveStream(c, async (live) => {
      let wake = () => {};
      let changed = false;
      const nudge = () => {
        changed = true;
        wake();
      };
      const unsubscribe = LIVE_CHANNELS.map((ch) => c.var.deps.events.subscribe(ch, nudge));
      void live.closed.then(() => wake());
      try {
        while (!live.aborted) {
          if (!changed) await new Promise<void>((resolve) => (wake = resolve));
          if (live.aborted) break;
          changed = false;
          await live.send({ event: "changed", data: String(c.var.deps.clock.now()) });
          // a burst of changes becomes one reload
          await new Promise((resolve) => setTimeout(resolve, NUDGE_GAP_MS));
        }
      } finally {
        for (const u of unsubscribe) u();
      }
    }),
  )
  .get("/export/:table", allow("supervision.read"), async (c) => {
    const { t, lang } = c.var;
    const params = exportParams.safeParse(c.req.param());
    if (!params.success) throw badRequest(params.error);
    const q = exportQuery.safeParse(c.req.query());
    if (!q.success) throw badRequest(q.error);
    const name = params.data.table;
    const { format, requestKind } = q.data;
    if (isTimesTable(name)) {
      const choice = readPeriod(c.req.query(), c.var.deps.clock.now());
      if (!choice.period) throw invalid(choice.issues, t("stats.invalid"));
      const { from, to } = choice.period;
      return await sendTable(c, {
        filename: `${t("supervision.title")}-${t(TABLE_TITLES[name])}${t("supervision.responseTimes")}-${from}_${to}`,
        sheet: `${t(TABLE_TITLES[name])}${t("supervision.responseTimes")}`,
        format,
        ...timesTable(t, lang, name, await responseTimes(c.var.deps.db, choice.period, requestKind)),
        audit: { entity: "supervision", detail: { table: name, from, to, requestKind: requestKind ?? null } },
      });
    }
    return await sendTable(c, {
      filename: `${t("supervision.title")}-${t(TABLE_TITLES[name])}`,
      sheet: t(TABLE_TITLES[name]),
      format,
      ...liveTable(t, lang, name, await liveBoard(c, -1)),
      audit: { entity: "supervision", detail: { table: name } },
    });
  });
