// The center's list of requests: filters, traffic lights, drafts ready to send in one click.
import { REQUEST_KINDS, REQUEST_STATUSES } from "../../src/domain/enums";
import type { DeadlineConfig } from "../../src/domain/requests";
import type { InstitutionOption, ListFilter, RequestView } from "../../src/requests/read";
import { CsrfField, When } from "../components";
import type { Lang, T } from "../i18n";
import { DueCell, displayValue, institutionName, KindLabel, Money, StatusPill } from "./parts";

type Common = { t: T; lang: Lang; now: number; cfg: DeadlineConfig; csrf: string | null };

export function SendButton(p: { t: T; csrf: string | null; id: number }) {
  return (
    <form method="post" action={`/requests/${p.id}/send`} class="inline">
      <CsrfField token={p.csrf} />
      <button type="submit" class="primary" data-testid={`send-${p.id}`}>
        {p.t("requests.action.send")}
      </button>
    </form>
  );
}

function RequestRows(p: Common & { rows: RequestView[] }) {
  const { t } = p;
  return (
    <table data-testid="requests">
      <thead>
        <tr>
          <th>{t("requests.due")}</th>
          <th>{t("cases.id")}</th>
          <th>{t("requests.kind")}</th>
          <th>{t("requests.suspect")}</th>
          <th>{t("field.institution")}</th>
          <th class="num">{t("cases.level")}</th>
          <th class="num">{t("field.amount")}</th>
          <th class="num">{t("requests.done")}</th>
          <th>{t("field.status")}</th>
          <th>{t("requests.case")}</th>
          <th>{t("requests.createdAt")}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr data-request-id={String(r.id)} data-status={r.status}>
            <td>
              <DueCell t={t} r={r} now={p.now} cfg={p.cfg} />
              {r.escalatedAt != null && r.deadlineAt != null && (
                <span class="pill bad" title={t("requests.escalatedAt")}>
                  {t("requests.escalatedAt")}
                </span>
              )}
            </td>
            <td>
              <a href={`/requests/${r.id}`}>#{r.id}</a>
            </td>
            <td>
              <KindLabel t={t} kind={r.kind} />
            </td>
            <td>
              <a class="mono" href={`/suspects/${r.suspectId}`}>
                {displayValue(r.suspectKind, r.suspectValue)}
              </a>
            </td>
            <td>{institutionName(p.lang, r)}</td>
            <td class="num">{r.level}</td>
            <td class="num">
              <Money fen={r.amountFen} />
            </td>
            <td class="num">
              <Money fen={r.doneAmountFen} />
            </td>
            <td>
              <StatusPill t={t} status={r.status} />
            </td>
            <td>
              {r.caseId != null ? <a href={`/cases/${r.caseId}/flow`}>#{r.caseId}</a> : <span class="muted">—</span>}
            </td>
            <td>
              <When at={r.createdAt} />
            </td>
            <td>{r.status === "draft" && <SendButton t={t} csrf={p.csrf} id={r.id} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RequestsListPage(
  p: Common & {
    rows: RequestView[];
    filter: ListFilter;
    institutions: InstitutionOption[];
    nextHref: string | null;
    liveHref: string;
  },
) {
  const { t, filter: f } = p;
  return (
    <div hx-ext="sse" sse-connect="/requests/events">
      <div class="row" style="justify-content:space-between">
        <h1>{t("cases.requests")}</h1>
        <a class="button primary" href="/requests/new">
          {t("requests.new")}
        </a>
      </div>
      <form method="get" action="/requests" class="row card" data-testid="request-filters">
        <label>
          {t("field.status")}
          <select name="status">
            <option value="">{t("cases.filterAll")}</option>
            {REQUEST_STATUSES.map((s) => (
              <option value={s} selected={f.status === s}>
                {t(`requests.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("requests.kind")}
          <select name="kind">
            <option value="">{t("cases.filterAll")}</option>
            {REQUEST_KINDS.map((k) => (
              <option value={k} selected={f.kind === k}>
                {t(`requests.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("field.institution")}
          <select name="institution">
            <option value="">{t("cases.filterAll")}</option>
            {p.institutions.map((i) => (
              <option value={i.code} selected={f.institution === i.code}>
                {p.lang === "zh" ? i.nameZh : i.nameEn}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("requests.caseId")}
          <input type="number" name="caseId" value={f.caseId ? String(f.caseId) : ""} min={1} style="width:7rem" />
        </label>
        <label class="row">
          <input type="checkbox" name="overdue" value="1" checked={!!f.overdue} /> {t("requests.filter.overdue")}
        </label>
        <label class="row">
          <input type="checkbox" name="expiring" value="1" checked={!!f.expiring} /> {t("requests.filter.expiring")}
        </label>
        <button type="submit">{t("common.filter")}</button>
      </form>
      <div
        id="requests-live"
        hx-get={p.liveHref}
        hx-select="#requests-live"
        hx-swap="outerHTML"
        hx-trigger="sse:changed throttle:500ms, every 30s"
      >
        {p.rows.length === 0 ? <p class="muted">{t("common.none")}</p> : <RequestRows {...p} rows={p.rows} />}
        {p.nextHref && (
          <p>
            <a href={p.nextHref}>{t("common.next")} →</a>
          </p>
        )}
      </div>
    </div>
  );
}
