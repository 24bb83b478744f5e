// Historical baselines: upload a CSV/XLSX of monthly totals, see what is on file.

import type { Issue } from "../../src/http/errors";
import type { ImportRecord, RejectionRow } from "../../src/imports/service";
import type { BaselineSummary } from "../../src/stats/service";
import { Errors } from "../components";
import type { T } from "../i18n";
import { rejectionText } from "../imports/page";
import { metricLabel } from "./labels";

export function BaselineResult(props: {
  t: T;
  record?: ImportRecord;
  repeated?: boolean;
  rejections?: RejectionRow[];
  error?: string;
  issues?: Issue[];
}) {
  const { t, record } = props;
  const rejections = props.rejections ?? [];
  return (
    <div id="baseline-result" data-testid="baseline-result">
      <Errors message={props.error} issues={props.issues} />
      {record && (
        <>
          {record.error && <Errors message={record.error} />}
          <p class={record.rejected ? "warn-box" : "notice"}>
            {props.repeated && <>{t("baseline.repeated")} </>}
            {t("baseline.done", {
              file: record.filename,
              imported: record.imported,
              merged: record.merged,
              rejected: record.rejected,
            })}
          </p>
          {rejections.length > 0 && (
            <table data-testid="baseline-rejected">
              <caption>{t("baseline.rejected")}</caption>
              <thead>
                <tr>
                  <th class="num">{t("baseline.line")}</th>
                  <th>{t("baseline.raw")}</th>
                  <th>{t("field.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {rejections.map((r) => (
                  <tr>
                    <td class="num">{r.line}</td>
                    <td>
                      <code>{r.raw}</code>
                    </td>
                    <td>{rejectionText(t, r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function BaselineSummaryTable(props: { t: T; summary: BaselineSummary[] }) {
  const { t } = props;
  return (
    <>
      <h2>{t("baseline.existing")}</h2>
      {props.summary.length === 0 ? (
        <p class="muted">{t("baseline.none")}</p>
      ) : (
        <table data-testid="baseline-summary">
          <thead>
            <tr>
              <th>{t("stats.metric")}</th>
              <th>{t("baseline.months")}</th>
              <th class="num">{t("field.district")}</th>
              <th class="num">{t("baseline.rows")}</th>
            </tr>
          </thead>
          <tbody>
            {props.summary.map((s) => (
              <tr>
                <td>{metricLabel(t, s.metric)}</td>
                <td>
                  {s.first} – {s.last}
                </td>
                <td class="num">{s.districts}</td>
                <td class="num">{s.rows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** What an upload answers with: its report, and the baselines now on file. */
export function BaselinePanel(props: Parameters<typeof BaselineResult>[0] & { summary: BaselineSummary[] }) {
  return (
    <div id="baseline-panel">
      <BaselineResult {...props} />
      <BaselineSummaryTable t={props.t} summary={props.summary} />
    </div>
  );
}

/** The page; with the report of an upload a plain form just sent, when there is one. */
export function BaselinesPage(props: Omit<Parameters<typeof BaselinePanel>[0], "t"> & { t: T }) {
  const { t } = props;
  return (
    <>
      <h1>
        {t("baseline.title")}{" "}
        <small>
          <a href="/stats">{t("nav.stats")}</a>
        </small>
      </h1>
      <p>{t("baseline.intro")}</p>
      <form
        class="card stack"
        hx-post="/stats/baselines"
        hx-encoding="multipart/form-data"
        hx-target="#baseline-panel"
        hx-swap="outerHTML"
        data-testid="baseline-form"
      >
        <p class="muted">{t("baseline.format")}</p>
        <label>
          {t("field.file")}
          <input type="file" name="file" accept=".csv,.xlsx" required />
        </label>
        <div>
          <button type="submit" class="primary">
            {t("baseline.upload")}
          </button>
        </div>
      </form>
      <BaselinePanel {...props} />
    </>
  );
}
