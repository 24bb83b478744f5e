// One request at a desk: only what the institution needs to act (no victim, no case), and the
// answers its state allows — acknowledge, confirm (with amount, balance and onward transfers),
// partial, reject or fail with a reason; a carrier records an owner's appeal.
import {
  type DeadlineConfig,
  HOLD_KINDS,
  MONEY_KINDS,
  REJECT_CODES,
  type RequestAction,
} from "../../src/domain/requests";
import { toShanghaiLocal } from "../../src/domain/time";
import type { Issue } from "../../src/http/errors";
import type { InstitutionOption, RequestDetail } from "../../src/requests/read";
import { CsrfField, Errors, Field, When } from "../components";
import type { Lang, T } from "../i18n";
import { CheckList, FreezeTerms } from "../requests/checks";
import { NoticeLinks } from "../requests/notice";
import {
  DueCell,
  displayValue,
  History,
  KindLabel,
  labelIssues,
  Money,
  OnwardTable,
  StatusPill,
} from "../requests/parts";

export type OnwardValues = {
  account: string;
  bank: string;
  amount: string;
  at: string;
  holderName?: string;
  serialNo?: string;
};
export type AnswerValues = {
  amount?: string;
  balance?: string;
  reason?: string;
  reasonCode?: string;
  onward?: OnwardValues[];
};

const EMPTY_ROWS = 2;

export function OnwardRowFields(p: { t: T; banks: InstitutionOption[]; lang: Lang; v?: OnwardValues; now: number }) {
  const { t, v } = p;
  return (
    <div class="row onward-row" data-testid="onward-row">
      <label>
        {t("requests.onwardAccount")}
        <input name="ot_account" value={v?.account ?? ""} inputmode="numeric" autocomplete="off" style="width:16rem" />
      </label>
      <label>
        {t("requests.onwardBank")}
        <input
          name="ot_bank"
          value={v?.bank ?? ""}
          list="desk-banks"
          placeholder={t("requests.institutionAuto")}
          style="width:10rem"
        />
      </label>
      <label>
        {t("requests.onwardAmount")}
        <input name="ot_amount" value={v?.amount ?? ""} inputmode="decimal" style="width:9rem" />
      </label>
      <label>
        {t("requests.onwardAt")}
        <input type="datetime-local" name="ot_at" value={v?.at || toShanghaiLocal(p.now)} />
      </label>
      <label>
        {t("field.holderName")}
        <input name="ot_holder" value={v?.holderName ?? ""} autocomplete="off" style="width:8rem" />
      </label>
      <label>
        {t("field.serialNo")}
        <input name="ot_serial" value={v?.serialNo ?? ""} autocomplete="off" style="width:12rem" />
      </label>
    </div>
  );
}

/**
 * The request's title with its status. While the request is still "sent" it acknowledges it once
 * the page has loaded (POST /desk/:id/open): a GET writes nothing, so a prefetch acknowledges
 * nothing, and the person who opened it has no extra click. The answer swaps in this title and
 * takes the acknowledge button away (out of band).
 */
export function DeskTitle(p: { t: T; d: RequestDetail; now: number; cfg: DeadlineConfig }) {
  const { t } = p;
  const r = p.d.request;
  const open =
    r.status === "sent" ? { "hx-post": `/desk/${r.id}/open`, "hx-trigger": "load", "hx-swap": "outerHTML" } : {};
  return (
    <h1 id="desk-request-title" data-testid="request-title" {...open}>
      <KindLabel t={t} kind={r.kind} /> #{r.id} <StatusPill t={t} status={r.status} />{" "}
      <DueCell t={t} r={r} now={p.now} cfg={p.cfg} />
    </h1>
  );
}

export function DeskRequestPage(p: {
  t: T;
  lang: Lang;
  csrf: string | null;
  d: RequestDetail;
  actions: RequestAction[];
  banks: InstitutionOption[];
  now: number;
  cfg: DeadlineConfig;
  error?: string;
  issues?: Issue[];
  values?: AnswerValues;
  answered?: boolean;
}) {
  const { t, d, actions } = p;
  const r = d.request;
  const v = p.values ?? {};
  const money = (MONEY_KINDS as readonly string[]).includes(r.kind) ? (r.kind as (typeof MONEY_KINDS)[number]) : null;
  const canOnward = (HOLD_KINDS as readonly string[]).includes(r.kind);
  const answers = actions.filter((a) => a === "confirm" || a === "partial");
  const rows = v.onward?.length ? v.onward : [];
  const confirmLabel =
    r.kind === "suspend_number" || r.kind === "close_card"
      ? "desk.confirmSuspended"
      : r.kind === "restore_number"
        ? "desk.confirmRestored"
        : "desk.confirmDone";
  return (
    <>
      <p>
        <a href="/desk">← {t("desk.back")}</a>
      </p>
      {p.answered && (
        <p class="notice" role="status">
          {/* an acknowledgement is a receipt (已签收), not an answer (已反馈) */}
          {t(r.status === "acknowledged" ? "requests.status.acknowledged" : "desk.answered.ok")}
        </p>
      )}
      <DeskTitle t={t} d={d} now={p.now} cfg={p.cfg} />
      <NoticeLinks t={t} requestId={r.id} instructionsJson={r.instructionsJson} />
      <Errors message={p.error} issues={labelIssues(t, p.issues)} />
      <div class="grid">
        <dl class="card">
          <dt>{t("requests.suspect")}</dt>
          <dd class="mono" data-testid="request-suspect">
            {displayValue(r.suspectKind, r.suspectValue)}
          </dd>
          <dt>{t("field.amount")}</dt>
          <dd>
            <Money fen={r.amountFen} />
          </dd>
          <dt>{t("cases.level")}</dt>
          <dd>{t("requests.levelN", { n: r.level })}</dd>
          {r.note && (
            <>
              <dt>{t("field.note")}</dt>
              <dd style="white-space:pre-line">{r.note}</dd>
            </>
          )}
          {d.parent && (r.kind === "return" || r.kind === "freeze_renewal" || r.kind === "freeze_release") && (
            <>
              <dt>{t("requests.kind.freeze")}</dt>
              <dd>
                <a href={`/desk/${d.parent.id}`}>#{d.parent.id}</a> · <Money fen={d.parent.doneAmountFen} />
              </dd>
            </>
          )}
        </dl>
        <dl class="card">
          <dt>{t("requests.sentAt")}</dt>
          <dd>
            <When at={r.sentAt} />
          </dd>
          <dt>{t("requests.deadlineAt")}</dt>
          <dd>
            <When at={r.deadlineAt} />
          </dd>
          <dt>{t("requests.respondedAt")}</dt>
          <dd>
            <When at={r.respondedAt} />
          </dd>
          {r.doneAmountFen != null && (
            <>
              <dt>{t("requests.done")}</dt>
              <dd>
                <Money fen={r.doneAmountFen} /> ({t("field.balance")} <Money fen={r.balanceFen} />)
              </dd>
            </>
          )}
          {r.expiresAt != null && (
            <>
              <dt>{t("requests.expiresAt")}</dt>
              <dd>
                <When at={r.expiresAt} />{" "}
                {r.renewals > 0 && (
                  <span class="pill">
                    {t("requests.renewals")} {r.renewals}
                  </span>
                )}
              </dd>
            </>
          )}
        </dl>
      </div>

      {r.suspectKind === "bank_account" && <CheckList t={t} r={r} transactions={d.transactions} desk />}
      <FreezeTerms t={t} r={r} />
      {actions.length > 0 && <h2>{t("desk.answer")}</h2>}
      <div id="desk-ack">
        {actions.includes("acknowledge") && (
          <form method="post" action={`/desk/${r.id}/respond`} class="card">
            <CsrfField token={p.csrf} />
            <button type="submit" name="action" value="acknowledge" class="primary" data-testid="acknowledge">
              {t("requests.action.acknowledge")}
            </button>
          </form>
        )}
      </div>
      {answers.length > 0 && (
        <form
          method="post"
          action={`/desk/${r.id}/respond`}
          class="card stack"
          style="max-width:1100px"
          data-testid="confirm-form"
        >
          <CsrfField token={p.csrf} />
          {money && (
            <div class="row">
              <Field label={t(`desk.amountDone.${money}`)} name="amount" issues={p.issues}>
                <input name="amount" value={v.amount ?? ""} inputmode="decimal" required />
              </Field>
              {r.kind !== "return" && (
                <Field
                  label={t(r.kind === "stop_payment" ? "desk.balanceStopped" : "desk.balance")}
                  name="balance"
                  issues={p.issues}
                >
                  <input
                    name="balance"
                    value={v.balance ?? ""}
                    inputmode="decimal"
                    required={r.kind === "stop_payment"}
                  />
                </Field>
              )}
            </div>
          )}
          {canOnward && (
            <fieldset>
              <legend>{t("requests.onward")}</legend>
              <p class="hint muted">{t("desk.onwardHint")}</p>
              <datalist id="desk-banks">
                {p.banks.map((b) => (
                  <option value={b.code}>{p.lang === "zh" ? b.nameZh : b.nameEn}</option>
                ))}
              </datalist>
              <div id="onward-rows">
                {[...rows, ...Array.from({ length: Math.max(0, EMPTY_ROWS - rows.length) }, () => undefined)].map(
                  (row) => (
                    <OnwardRowFields t={t} lang={p.lang} banks={p.banks} v={row} now={p.now} />
                  ),
                )}
              </div>
              <button type="button" hx-get="/desk/onward-row" hx-target="#onward-rows" hx-swap="beforeend">
                {t("desk.addRow")}
              </button>
            </fieldset>
          )}
          <div class="row">
            {answers.includes("confirm") && (
              <button type="submit" name="action" value="confirm" class="primary" data-testid="confirm">
                {t(confirmLabel)}
              </button>
            )}
            {answers.includes("partial") && (
              <button type="submit" name="action" value="partial" data-testid="partial">
                {t("requests.action.partial")}
              </button>
            )}
          </div>
        </form>
      )}
      {actions.includes("reject") && (
        <form method="post" action={`/desk/${r.id}/respond`} class="card stack" data-testid="reject-form">
          <CsrfField token={p.csrf} />
          {r.suspectKind === "bank_account" && (
            <Field label={t("field.reasonCode")} name="reasonCode" issues={p.issues}>
              <select name="reasonCode" data-testid="reject-code">
                <option value="">—</option>
                {REJECT_CODES.map((code) => (
                  <option value={code} selected={v.reasonCode === code}>
                    {t(`requests.rejectCode.${code}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t("desk.rejectReason")} name="reason" issues={p.issues}>
            <textarea name="reason" placeholder={t("desk.rejectHint")}>
              {v.reason ?? ""}
            </textarea>
          </Field>
          <div class="row">
            <button type="submit" name="action" value="reject" data-testid="reject">
              {t("requests.action.reject")}
            </button>
            {actions.includes("fail") && (
              <button type="submit" name="action" value="fail">
                {t("requests.action.fail")}
              </button>
            )}
          </div>
        </form>
      )}
      {actions.includes("appeal") && (
        <form method="post" action={`/desk/${r.id}/respond`} class="card stack" data-testid="appeal-form">
          <CsrfField token={p.csrf} />
          <Field label={t("desk.appealReason")} name="reason" issues={p.issues}>
            <textarea name="reason" placeholder={t("desk.appealHint")}>
              {v.reason ?? ""}
            </textarea>
          </Field>
          <button type="submit" name="action" value="appeal">
            {t("requests.action.appeal")}
          </button>
        </form>
      )}

      {d.onward.length > 0 && <OnwardTable t={t} rows={d.onward} />}
      <h2>{t("requests.timeline")}</h2>
      <History t={t} rows={d.history} />
    </>
  );
}
