// One case: its facts, the victim (in full or masked, by role), its suspects and requests, and
// the status change form.
import type { CaseRecord } from "../../src/cases/service";
import type { Victim } from "../../src/domain/cases";
import { CASE_TRANSITIONS } from "../../src/domain/cases";
import { formatPhone } from "../../src/domain/identifiers";
import { formatFen } from "../../src/domain/money";
import { toShanghaiLocal } from "../../src/domain/time";
import type { Issue } from "../../src/http/errors";
import { CsrfField, Errors, Field, When } from "../components";
import type { Lang, T } from "../i18n";
import { type RequestSummary, RequestSummaryTable } from "../requests/parts";
import { SuspectCells, SuspectHead } from "../suspects/parts";
import { labelIssues } from "./form";

export function CaseDetailPage(p: {
  t: T;
  lang: Lang;
  csrf: string | null;
  c: CaseRecord;
  victim: Victim & { masked: boolean };
  requests: RequestSummary[];
  canWrite: boolean;
  now: number;
  saved?: boolean;
  issues?: Issue[];
}) {
  const { t, c, victim: v } = p;
  const next = CASE_TRANSITIONS[c.status];
  return (
    <>
      <p>
        <a href="/cases">← {t("nav.cases")}</a>
      </p>
      {p.saved && (
        <p class="notice" role="status">
          {t("cases.saved")}
        </p>
      )}
      <h1 data-testid="case-title">
        {t("nav.cases")} #{c.id} <span class="pill">{t(`cases.state.${c.status}`)}</span>
      </h1>
      <div class="grid">
        <dl class="card">
          <dt>{t("field.fraudType")}</dt>
          <dd>{t(`cases.fraud.${c.fraudType}`)}</dd>
          <dt>{t("field.district")}</dt>
          <dd>{c.district}</dd>
          <dt>{t("cases.lossShort")}</dt>
          <dd>{formatFen(c.lossFen)}</dd>
          <dt>{t("cases.suspectsDetained")}</dt>
          <dd>{c.suspectsDetained}</dd>
        </dl>
        <dl class="card">
          <dt>{t("cases.receivedAt")}</dt>
          <dd>
            <When at={c.receivedAt} />
          </dd>
          <dt>{t("cases.filedAt")}</dt>
          <dd>
            <When at={c.filedAt} />
          </dd>
          <dt>{t("cases.solvedAt")}</dt>
          <dd>
            <When at={c.solvedAt} />
          </dd>
          <dt>{t("cases.closedAt")}</dt>
          <dd>
            <When at={c.closedAt} />
          </dd>
        </dl>
        <dl class="card" data-testid="victim">
          <dt>
            {t("cases.victimName")} {v.masked && <span class="pill">{t("cases.masked")}</span>}
          </dt>
          <dd>{v.name}</dd>
          <dt>{t("cases.victimPhone")}</dt>
          <dd>{v.phone ? formatPhone(v.phone) : "—"}</dd>
          <dt>{t("field.idNumber")}</dt>
          <dd>{v.idNumber || "—"}</dd>
          <dt>{t("field.age")}</dt>
          <dd>{v.age ?? "—"}</dd>
        </dl>
      </div>
      {c.narrative && (
        <div class="card" style="white-space:pre-line">
          {c.narrative}
        </div>
      )}

      {p.canWrite && next.length > 0 && (
        <form method="post" action={`/cases/${c.id}/status`} class="row card">
          <CsrfField token={p.csrf} />
          <Errors issues={labelIssues(t, p.issues)} />
          <Field label={t("cases.changeStatus")} name="status" issues={p.issues}>
            <select name="status">
              {next.map((s) => (
                <option value={s}>{t(`cases.state.${s}`)}</option>
              ))}
            </select>
          </Field>
          <Field label={t("cases.changeAt")} name="at" issues={p.issues}>
            <input type="datetime-local" name="at" value={toShanghaiLocal(p.now)} />
          </Field>
          <Field label={t("cases.suspectsDetained")} name="suspectsDetained" issues={p.issues}>
            <input
              type="number"
              name="suspectsDetained"
              min={0}
              value={String(c.suspectsDetained)}
              style="width:6rem"
            />
          </Field>
          <button type="submit" class="primary">
            {t("common.save")}
          </button>
        </form>
      )}

      {/* reloaded when one of the case's requests moves (views/static/app.js: fz-case-<id>) */}
      <div
        id="case-live"
        hx-get={`/cases/${c.id}`}
        hx-select="#case-live"
        hx-trigger={`fz-case-${c.id} from:body`}
        hx-swap="outerHTML"
        data-testid="case-live"
      >
        <h2>{t("cases.suspects")}</h2>
        {c.suspects.length === 0 ? (
          <p class="muted">{t("common.none")}</p>
        ) : (
          <table data-testid="case-suspects">
            <thead>
              <tr>
                <SuspectHead t={t} />
                <th class="num">{t("cases.level")}</th>
                {!p.victim.masked && <th>{t("field.holderName")}</th>}
                {!p.victim.masked && <th>{t("checks.branch")}</th>}
                {p.canWrite && <th>{t("live.suggest")}</th>}
              </tr>
            </thead>
            <tbody>
              {c.suspects.map((s) => (
                <tr>
                  <SuspectCells t={t} lang={p.lang} s={s} />
                  <td class="num">{s.level}</td>
                  {!p.victim.masked && <td data-testid="suspect-holder">{s.holderName ?? ""}</td>}
                  {!p.victim.masked && <td>{s.branch ?? ""}</td>}
                  {p.canWrite && (
                    <td class="row" style="gap:.3rem">
                      {/* the requests that fit it, prefilled with the case and the suspect */}
                      {(s.kind === "bank_account"
                        ? (["stop_payment", "freeze"] as const)
                        : (["suspend_number"] as const)
                      ).map((k) => (
                        <a
                          class="button"
                          href={`/requests/new?caseId=${c.id}&suspectId=${s.id}&kind=${k}`}
                          data-testid={`suggest-${k}-${s.id}`}
                        >
                          {t(`requests.kind.${k}`)}
                        </a>
                      ))}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}

        {c.transactions.length > 0 && (
          <>
            <h2>{t("cases.transactions")}</h2>
            <table data-testid="case-transactions">
              <thead>
                <tr>
                  <th>{t("checks.at")}</th>
                  <th class="num">{t("checks.txAmount")}</th>
                  <th>{t("cases.txAccount")}</th>
                  {!p.victim.masked && <th>{t("field.payerAccount")}</th>}
                  {!p.victim.masked && <th>{t("field.payerName")}</th>}
                  <th>{t("field.serialNo")}</th>
                </tr>
              </thead>
              <tbody>
                {c.transactions.map((x) => (
                  <tr>
                    <td>
                      <When at={x.at} />
                    </td>
                    <td class="num">{formatFen(x.amountFen)}</td>
                    <td class="mono">{x.account ?? "—"}</td>
                    {!p.victim.masked && <td class="mono">{x.payerAccount ?? "—"}</td>}
                    {!p.victim.masked && <td>{x.payerName ?? "—"}</td>}
                    <td class="mono">{x.serialNo ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}

        <h2>
          {t("cases.requests")}{" "}
          <a class="button" href={`/cases/${c.id}/flow`} data-testid="case-flow-link">
            {t("requests.flow")} →
          </a>
          <a class="button" href={`/requests/new?caseId=${c.id}`}>
            + {t("requests.new")}
          </a>
        </h2>
        <RequestSummaryTable t={t} lang={p.lang} rows={p.requests} />
      </div>
    </>
  );
}
