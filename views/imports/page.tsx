// Bulk import screens: the upload form with the columns it understands, the recent imports,
// and the report — a live progress bar while the rows are recorded, then the counts and the
// rejected rows (first page on screen, all of them as a CSV download).

import type { Issue } from "../../src/http/errors";
import type { Progress } from "../../src/imports/engine";
import type { ImportRecord, RejectionRow } from "../../src/imports/service";
import type { ImportColumn } from "../../src/imports/table";
import { Errors, Stat, When } from "../components";
import { known, refusalText, type T } from "../i18n";

export type KindChoice = { kind: string; columns: readonly ImportColumn[] };

export function ImportForm(p: { t: T; kind: KindChoice; message?: string; issues?: Issue[] }) {
  const { t, kind } = p;
  return (
    <form
      id="import-form"
      class="card stack"
      hx-post={`/imports/${kind.kind}`}
      hx-encoding="multipart/form-data"
      hx-target="this"
      hx-swap="outerHTML"
      hx-disabled-elt="find button"
    >
      <h2>{t("imports.new", { kind: known(t, `imports.kind.${kind.kind}`) ?? kind.kind })}</h2>
      <Errors message={p.message} issues={p.issues} />
      <label>
        {t("imports.file")}
        <span class="hint">{t("imports.fileHint")}</span>
        <input
          type="file"
          name="file"
          required
          accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          data-testid="import-file"
        />
      </label>
      <div>
        <strong>{t("imports.columns")}</strong>
        <ul class="muted">
          {kind.columns.map((col) => (
            <li>
              <code>{[col.key, ...col.aliases].join(" / ")}</code> —{" "}
              {t(col.required ? "form.required" : "imports.optional")}
            </li>
          ))}
        </ul>
      </div>
      <p class="hint muted">{t("imports.rules")}</p>
      <div class="row">
        <button type="submit" class="primary" data-testid="import-submit">
          {t("imports.submit")}
        </button>
        <span class="htmx-indicator muted">{t("imports.uploading")}</span>
      </div>
    </form>
  );
}

export function ImportsPage(p: {
  t: T;
  kinds: KindChoice[];
  chosen: KindChoice;
  recent: ImportRecord[];
  message?: string;
  issues?: Issue[];
}) {
  const { t } = p;
  return (
    <>
      <h1>{t("imports.title")}</h1>
      {p.kinds.length > 1 && (
        <nav class="row" aria-label={t("imports.chooseKind")}>
          {p.kinds.map((k) => (
            <a href={`/imports?kind=${k.kind}`} class={k.kind === p.chosen.kind ? "button primary" : "button"}>
              {known(t, `imports.kind.${k.kind}`) ?? k.kind}
            </a>
          ))}
        </nav>
      )}
      <ImportForm t={t} kind={p.chosen} message={p.message} issues={p.issues} />
      <h2>{t("imports.recent")}</h2>
      {p.recent.length === 0 ? (
        <p class="muted">{t("imports.none")}</p>
      ) : (
        <table data-testid="imports-recent">
          <thead>
            <tr>
              <th>{t("field.file")}</th>
              <th>{t("field.kind")}</th>
              <th>{t("field.status")}</th>
              <th class="num">{t("imports.rows")}</th>
              <th class="num">{t("imports.imported")}</th>
              <th class="num">{t("imports.merged")}</th>
              <th class="num">{t("suspects.outcome.rejected")}</th>
              <th>{t("imports.by")}</th>
              <th>{t("imports.at")}</th>
            </tr>
          </thead>
          <tbody>
            {p.recent.map((r) => (
              <tr>
                <td>
                  <a href={`/imports/${r.id}`}>{r.filename}</a>
                </td>
                <td>{known(t, `imports.kind.${r.kind}`) ?? r.kind}</td>
                <td>{t(`imports.status.${r.status}`)}</td>
                <td class="num">{r.totalRows}</td>
                <td class="num">{r.imported}</td>
                <td class="num">{r.merged}</td>
                <td class="num">{r.rejected}</td>
                <td>{r.createdBy ?? "—"}</td>
                <td>
                  <When at={r.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** While running: the bar (bytes read of the file) and the rows recorded so far. */
export function ImportProgress(p: { t: T; progress: Progress }) {
  const { t, progress: g } = p;
  const pct = g.size > 0 ? Math.min(100, Math.floor((g.bytes / g.size) * 100)) : 0;
  return (
    <div data-testid="import-progress">
      <progress max={100} value={pct} aria-label={t("imports.status.running")}>
        {pct}%
      </progress>
      <p>{t("imports.progress", { pct, rows: g.totalRows.toLocaleString("en") })}</p>
      <Counts t={t} c={g} />
    </div>
  );
}

function Counts(p: { t: T; c: { totalRows: number; imported: number; merged: number; rejected: number } }) {
  const { t, c } = p;
  return (
    <div class="grid" data-testid="import-counts">
      <Stat label={t("imports.rows")} value={c.totalRows} testid="count-rows" />
      <Stat label={t("imports.imported")} value={c.imported} testid="count-imported" />
      <Stat label={t("imports.merged")} value={c.merged} testid="count-merged" />
      <Stat label={t("suspects.outcome.rejected")} value={c.rejected} testid="count-rejected" />
    </div>
  );
}

export const REJECTIONS_ON_SCREEN = 100;

/** A stored rejected row's reason (code and params kept as columns, params as JSON) for the page and the CSV. */
export function rejectionText(t: T, r: Pick<RejectionRow, "reason" | "reasonCode" | "reasonParams">): string {
  return refusalText(t, {
    code: r.reasonCode,
    params: r.reasonParams ? JSON.parse(r.reasonParams) : null,
    reason: r.reason,
  });
}

/** Finished (or interrupted): the counts, how they add up, and the rejected rows. */
export function ImportResult(p: { t: T; rec: ImportRecord; rejections: RejectionRow[] }) {
  const { t, rec } = p;
  return (
    <div data-testid="import-result" data-status={rec.status}>
      {rec.status === "failed" && (
        <div class="errors" role="alert">
          <div>{t("imports.failed", { error: rec.error ?? "" })}</div>
          <div>{t("imports.failedHint")}</div>
        </div>
      )}
      <Counts t={t} c={rec} />
      <p class="muted" data-testid="import-accounting">
        {t("imports.accounting", {
          imported: rec.imported,
          merged: rec.merged,
          rejected: rec.rejected,
          total: rec.totalRows,
        })}
      </p>
      <h2>{t("baseline.rejected")}</h2>
      {rec.rejected === 0 ? (
        <p class="muted">{t("imports.noneRejected")}</p>
      ) : (
        <>
          <p>
            <a class="button" href={`/imports/${rec.id}/rejected.csv`} download data-testid="import-download">
              {t("imports.download")}
            </a>
          </p>
          {rec.rejected > p.rejections.length && (
            <p class="muted">{t("imports.showingFirst", { n: p.rejections.length, total: rec.rejected })}</p>
          )}
          <table data-testid="import-rejections">
            <thead>
              <tr>
                <th class="num">{t("baseline.line")}</th>
                <th>{t("field.reason")}</th>
                <th>{t("imports.raw")}</th>
              </tr>
            </thead>
            <tbody>
              {p.rejections.map((r) => (
                <tr>
                  <td class="num">{r.line}</td>
                  <td>{rejectionText(t, r)}</td>
                  <td>
                    <code>{r.raw}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

export function ImportReportPage(p: {
  t: T;
  rec: ImportRecord;
  repeated: boolean;
  progress?: Progress;
  rejections: RejectionRow[];
}) {
  const { t, rec } = p;
  return (
    <>
      <h1>
        {t("imports.report")} · {rec.filename}
      </h1>
      {p.repeated && (
        <p class="notice" data-testid="import-repeated">
          {t("imports.repeated")}
        </p>
      )}
      <table class="card">
        <tbody>
          <tr>
            <th>{t("field.kind")}</th>
            <td>{known(t, `imports.kind.${rec.kind}`) ?? rec.kind}</td>
            <th>{t("field.status")}</th>
            <td data-testid="import-status">{t(`imports.status.${rec.status}`)}</td>
          </tr>
          <tr>
            <th>{t("imports.by")}</th>
            <td>{rec.createdBy ?? "—"}</td>
            <th>{t("imports.at")}</th>
            <td>
              <When at={rec.createdAt} />
            </td>
          </tr>
          <tr>
            <th>{t("imports.sha")}</th>
            <td>
              <code title={rec.fileHash}>{rec.fileHash.slice(0, 16)}…</code>
            </td>
            <th>{t("imports.finishedAt")}</th>
            <td>
              <When at={rec.finishedAt} />
            </td>
          </tr>
        </tbody>
      </table>
      {p.progress ? (
        // live: SSE pushes the progress fragment, then the result once the import settles
        <div hx-ext="sse" sse-connect={`/imports/${rec.id}/events`} sse-close="done">
          <div id="import-live" sse-swap="progress,done" aria-live="polite">
            <ImportProgress t={t} progress={p.progress} />
          </div>
        </div>
      ) : (
        <ImportResult t={t} rec={rec} rejections={p.rejections} />
      )}
      <p>
        <a href={`/imports?kind=${rec.kind}`}>{t("imports.another")}</a>
      </p>
    </>
  );
}
