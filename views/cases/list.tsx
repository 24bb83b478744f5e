// The case list: filters on top, newest first, 50 a page. The victim is not listed (their data
// is shown, and audited, on the case's own page).
import type { CaseFilter } from "../../src/cases/schemas";
import type { CaseList } from "../../src/cases/service";
import { CASE_STATUSES, FRAUD_TYPES } from "../../src/domain/enums";
import type { T } from "../i18n";
import { CaseTable } from "./parts";

export function CasesPage(p: { t: T; filter: CaseFilter; list: CaseList; districts: string[]; canWrite: boolean }) {
  const { t, filter: f, list } = p;
  const qs = (page: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...f, page })) if (v !== undefined && v !== "") q.set(k, String(v));
    return `/cases?${q}`;
  };
  return (
    <>
      <div class="row" style="justify-content:space-between">
        <h1>{t("nav.cases")}</h1>
        {p.canWrite && (
          <a class="button primary" href="/cases/new" accesskey="n">
            + {t("cases.new")}
          </a>
        )}
      </div>
      <form method="get" action="/cases" class="row card">
        <label>
          {t("field.status")}
          <select name="status">
            <option value="">{t("cases.filterAll")}</option>
            {CASE_STATUSES.map((s) => (
              <option value={s} selected={f.status === s}>
                {t(`cases.state.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("field.fraudType")}
          <select name="fraudType">
            <option value="">{t("cases.filterAll")}</option>
            {FRAUD_TYPES.map((x) => (
              <option value={x} selected={f.fraudType === x}>
                {t(`cases.fraud.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("field.district")}
          <input name="district" value={f.district ?? ""} list="districts" size={10} />
        </label>
        <datalist id="districts">
          {p.districts.map((d) => (
            <option value={d} />
          ))}
        </datalist>
        <label>
          {t("common.from")}
          <input type="date" name="from" value={f.from ?? ""} />
        </label>
        <label>
          {t("common.to")}
          <input type="date" name="to" value={f.to ?? ""} />
        </label>
        <button type="submit">{t("common.filter")}</button>
      </form>
      <p class="muted">{t("cases.found", { n: list.total })}</p>
      {list.rows.length === 0 ? (
        <p class="muted">{t("common.none")}</p>
      ) : (
        <CaseTable
          t={t}
          rows={list.rows}
          testid="case-list"
          last={{ head: t("cases.suspectCount"), cell: (c) => c.suspects }}
        />
      )}
      {list.pages > 1 && (
        <nav class="row" aria-label={t("common.pages")}>
          {list.page > 1 && <a href={qs(list.page - 1)}>← {t("common.prev")}</a>}
          <span class="muted">{t("cases.page", { page: list.page, pages: list.pages })}</span>
          {list.page < list.pages && <a href={qs(list.page + 1)}>{t("common.next")} →</a>}
        </nav>
      )}
    </>
  );
}
