// Bulk file imports (suspects, targets, baselines): upload, live progress, report, rejected rows.
//
// Upload: POST /imports/<kind> with a multipart/form-data body whose part "file" is the CSV or
// XLSX (the page's form sends it through htmx, which adds the CSRF header). The body is parsed
// as it streams in and the file written to a temporary file — never buffered whole — then
// imported in the background. Answer: 303 (HX-Redirect for htmx) to /imports/<id>, the report
// page, which follows the progress over server-sent events. The kind's permission (e.g.
// suspects.write) gates its uploads and its reports.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import {
  ImportForm,
  ImportProgress,
  ImportReportPage,
  ImportResult,
  ImportsPage,
  type KindChoice,
  REJECTIONS_ON_SCREEN,
  rejectionText,
} from "../../views/imports/page";
import { allow } from "../auth/middleware";
import { can } from "../domain/access";
import { KEEPALIVE_MS, liveStream } from "../events";
import { csvText } from "../exports/csv";
import { audit, who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { notFound } from "../http/errors";
import { idOf } from "../http/query";
import { type FormErrors, formErrors, render, wantsFragment } from "../http/render";
import { asShown, importChannel, importHandler, importKinds, liveProgress, type Started, startImport } from "./engine";
import { allRejections, getImport, listImports, rejectionsPage } from "./service";
import { csvCells } from "./table";
import { receiveUpload } from "./upload";

/** The kinds this actor may import, with their columns. */
function choices(c: Context<AppEnv>): KindChoice[] {
  return importKinds()
    .map(importHandler)
    .filter((h) => can(c.var.actor!, h.permission))
    .map((h) => ({ kind: h.kind, columns: h.columns }));
}

/** The gate for a kind's uploads and reports: its handler's permission, through allow(). */
const allowKind =
  (kindOf: (c: Context<AppEnv>) => string): MiddlewareHandler<AppEnv> =>
  (c, next) =>
    allow(importHandler(kindOf(c)).permission)(c, next);

/** An import's own gate (behind the signed-in check): 404 for an unknown id, then its kind's permission. */
const allowImport: MiddlewareHandler<AppEnv> = async (c, next) => {
  const rec = await getImport(c.var.deps.db, idOf(c));
  if (!rec) throw notFound("import");
  return allowKind(() => rec.kind)(c, next);
};

/** The kind asked for, or the first one the actor may import (the permission check then fails if none). */
const chosenKind = (c: Context<AppEnv>) => c.req.query("kind") || choices(c)[0]?.kind || importKinds()[0]!;

/** The imports page, or with `shown` the form again saying why the upload was refused. */
async function importsPage(c: Context<AppEnv>, kind: string, shown?: FormErrors) {
  const kinds = choices(c);
  const chosen = kinds.find((k) => k.kind === kind)!;
  if (wantsFragment(c) && shown)
    return c.html(<ImportForm t={c.var.t} kind={chosen} message={shown.error} issues={shown.issues} />);
  const recent = await Promise.all(
    (
      await listImports(
        c.var.deps.db,
        kinds.map((k) => k.kind),
      )
    ).map((r) => asShown(c.var.deps, r)),
  );
  return render(
    c,
    c.var.t("imports.title"),
    <ImportsPage
      t={c.var.t}
      kinds={kinds}
      chosen={chosen}
      recent={recent}
      message={shown?.error}
      issues={shown?.issues}
    />,
    shown?.status ?? 200,
  );
}

const PROGRESS_GAP_MS = 250; // at most four progress swaps a second, whatever the batch rate

export const importsRoutes = new Hono<AppEnv>()
  .use(allow())
  .get("/", allowKind(chosenKind), async (c) => await importsPage(c, chosenKind(c)))
  .post(
    "/:kind{[a-z_]+}",
    allowKind((c) => c.req.param("kind")!),
    async (c) => {
      const kind = c.req.param("kind");
      let started: Started;
      try {
        const up = await receiveUpload(c.req.raw);
        started = await startImport(c.var.deps, who(c), {
          kind,
          filename: up.filename,
          path: up.path,
          sha256: up.sha256,
        });
      } catch (e) {
        // the user's mistake (no file, unreadable, no header, cut off): the form again, saying why
        const shown = formErrors(c, e);
        if (!shown) throw e;
        return await importsPage(c, kind, shown);
      }
      const url = `/imports/${started.id}${started.repeated ? "?repeated=1" : ""}`;
      if (wantsFragment(c)) {
        c.header("HX-Redirect", url);
        return c.body(null, 204);
      }
      return c.redirect(url, 303);
    },
  )
  .get("/:id{[0-9]+}", allowImport, async (c) => {
    const { db } = c.var.deps;
    const rec = await asShown(c.var.deps, (await getImport(db, idOf(c)))!);
    // rejected rows are raw file content: numbers, names
    await audit(c, { action: "view", entity: "import", entityId: rec.id });
    const progress = rec.status === "running" ? liveProgress(c.var.deps, rec.id) : undefined;
    return render(
      c,
      `${c.var.t("imports.report")} · ${rec.filename}`,
      <ImportReportPage
        t={c.var.t}
        rec={rec}
        repeated={c.req.query("repeated") === "1"}
        progress={progress}
        rejections={progress ? [] : await rejectionsPage(db, rec.id, REJECTIONS_ON_SCREEN)}
      />,
    );
  })
  .get("/:id{[0-9]+}/events", allowImport, (c) =>
    liveStream(c, async (live) => {
      const { deps, t } = c.var;
      const id = idOf(c);
      let wake = () => {};
      const unsubscribe = deps.events.subscribe(importChannel(id), () => wake());
      /** until the import's next event, or `ms` of silence (then it looks again) */
      const sleep = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      void live.closed.then(() => wake());
      try {
        let sent = "";
        while (!live.aborted) {
          const progress = liveProgress(deps, id);
          if (!progress) {
            // settled (or never ran here): the result replaces the bar, and the browser closes the stream
            const rec = await asShown(deps, (await getImport(deps.db, id))!);
            await live.send({
              event: "done",
              data: String(
                <ImportResult t={t} rec={rec} rejections={await rejectionsPage(deps.db, id, REJECTIONS_ON_SCREEN)} />,
              ),
            });
            break;
          }
          const snapshot = JSON.stringify(progress);
          if (snapshot !== sent) {
            sent = snapshot;
            await live.send({ event: "progress", data: String(<ImportProgress t={t} progress={progress} />) });
            await new Promise((r) => setTimeout(r, PROGRESS_GAP_MS));
          } else {
            await sleep(KEEPALIVE_MS); // looks again now and then, should an event be missed
          }
        }
      } finally {
        unsubscribe();
      }
    }),
  )
  .get("/:id{[0-9]+}/rejected.csv", allowImport, async (c) => {
    const { db } = c.var.deps;
    const { t } = c.var;
    const rec = (await getImport(db, idOf(c)))!;
    await audit(c, { action: "export", entity: "import", entityId: rec.id, detail: { rows: rec.rejected } });
    // line and reason first, then the row as it was (under the file's own header): fix, re-import
    // every cell through the one CSV writer, formulas defused (rows kept before it was, too)
    const head = csvText([
      [t("baseline.line"), t("field.reason"), ...(rec.header !== null ? csvCells(rec.header) : [t("imports.raw")])],
    ]);
    const pages = allRejections(db, rec.id);
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(enc.encode("\uFEFF" + head)); // the BOM makes Excel read it as UTF-8
      },
      async pull(ctl) {
        const next = await pages.next();
        if (next.done) return ctl.close();
        ctl.enqueue(enc.encode(csvText(next.value.map((r) => [r.line, rejectionText(t, r), ...csvCells(r.raw)]))));
      },
    });
    const base = rec.filename.replace(/\.[^.]*$/, "");
    return c.body(body, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="import-${rec.id}-rejected.csv"; filename*=UTF-8''${encodeURIComponent(`${base}-rejected.csv`)}`,
      "Cache-Control": "no-store",
    });
  });
