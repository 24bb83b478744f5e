// A frozen account's return plan (返还方案), for the center: choose traced or pro rata, see the
// shares, adopt it (a pro-rata plan opens its 30-day public notice), record objections during
// the notice, and send the returns after it.
import { formatFen } from "../../src/domain/money";
import type { ReturnMethod } from "../../src/domain/returns";
import { formatInstant } from "../../src/domain/time";
import type { Issue } from "../../src/http/errors";
import type { RequestView } from "../../src/requests/read";
import type { Preview, StoredPlan } from "../../src/requests/returns";
import { CsrfField, Errors, FieldError, fieldError } from "../components";
import type { T } from "../i18n";
import { StatusPill } from "./parts";

export type ReturnsPageProps = {
  t: T;
  csrf: string | null;
  freeze: RequestView;
  plan: StoredPlan | null;
  method: ReturnMethod;
  preview: Preview | null;
  /** why the chosen method cannot apply (the preview's refusal, in the reader's language) */
  refusal?: string;
  error?: string;
  issues?: Issue[];
  values?: Record<string, string>;
  now: number;
};

function MethodChooser(p: { t: T; id: number; method: ReturnMethod }) {
  return (
    <p class="row" data-testid="methods">
      {(["traced", "pro_rata"] as const).map((m) => (
        <a
          class={m === p.method ? "button on" : "button"}
          href={`/requests/${p.id}/returns?method=${m}`}
          aria-current={m === p.method ? "true" : undefined}
        >
          {p.t(`returns.method.${m}`)}
        </a>
      ))}
    </p>
  );
}

function PreviewForm(p: ReturnsPageProps & { preview: Preview }) {
  const { t, preview } = p;
  const v = p.values ?? {};
  return (
    <form method="post" action={`/requests/${p.freeze.id}/returns`} data-testid="adopt-form">
      <CsrfField token={p.csrf} />
      <input type="hidden" name="method" value={preview.method} />
      <p>
        {t("returns.frozen")}: <strong data-testid="frozen">{formatFen(preview.frozen)}</strong>
      </p>
      <table data-testid="shares">
        <thead>
          <tr>
            <th>{t("requests.case")}</th>
            <th>{t("returns.victim")}</th>
            <th class="num">{t("returns.loss")}</th>
            <th class="num">{t("returns.amount")}</th>
            <th>{t("returns.toAccount")}</th>
            <th>{t("returns.otherReason")}</th>
          </tr>
        </thead>
        <tbody>
          {preview.shares.map((s) => (
            <tr data-case={s.caseId}>
              <td>
                <a href={`/cases/${s.caseId}`}>#{s.caseId}</a>
              </td>
              <td>{s.victimName ?? ""}</td>
              <td class="num">{formatFen(s.loss)}</td>
              <td class="num" data-testid={`share-${s.caseId}`}>
                {formatFen(s.amount)}
              </td>
              <td>
                <input
                  name={`account.${s.caseId}`}
                  value={v[`account.${s.caseId}`] ?? s.victimAccount ?? ""}
                  inputmode="numeric"
                  maxlength={40}
                  aria-label={t("returns.toAccount")}
                />
                {!s.victimAccount && <small class="muted"> {t("returns.noOriginal")}</small>}
                <span class="error">{fieldError(p.issues, `account.${s.caseId}`)}</span>
              </td>
              <td>
                <input
                  name={`reason.${s.caseId}`}
                  value={v[`reason.${s.caseId}`] ?? ""}
                  maxlength={200}
                  aria-label={t("returns.otherReason")}
                />
                <span class="error">{fieldError(p.issues, `reason.${s.caseId}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t("returns.restStaysFrozen")}</p>
      <button type="submit" data-testid="adopt">
        {preview.method === "pro_rata" ? t("returns.openNotice") : t("returns.adopt")}
      </button>
    </form>
  );
}

function PlanView(p: ReturnsPageProps & { plan: StoredPlan }) {
  const { t, plan } = p;
  const noticeOpen =
    plan.method === "pro_rata" &&
    plan.withdrawnAt == null &&
    plan.noticeClosesAt != null &&
    p.now < plan.noticeClosesAt;
  return (
    <section data-testid="plan">
      <h2>
        {t("returns.plan")} #{plan.id} · {t(`returns.method.${plan.method}`)}
      </h2>
      <p>
        {t("returns.frozen")}: {formatFen(plan.frozenFen)}
        {plan.method === "pro_rata" && plan.noticeOpenedAt != null && (
          <>
            {" · "}
            <span data-testid="notice-window">
              {t("returns.noticeWindow", {
                from: formatInstant(plan.noticeOpenedAt),
                until: formatInstant(plan.noticeClosesAt),
              })}
            </span>
          </>
        )}
      </p>
      <table data-testid="plan-shares">
        <thead>
          <tr>
            <th>{t("requests.case")}</th>
            <th>{t("returns.victim")}</th>
            <th class="num">{t("returns.loss")}</th>
            <th class="num">{t("returns.amount")}</th>
            <th>{t("returns.toAccount")}</th>
            <th>{t("returns.request")}</th>
          </tr>
        </thead>
        <tbody>
          {plan.shares.map((s) => (
            <tr>
              <td>
                <a href={`/cases/${s.caseId}`}>#{s.caseId}</a>
              </td>
              <td>{s.victimName ?? ""}</td>
              <td class="num">{formatFen(s.loss)}</td>
              <td class="num">{formatFen(s.amount)}</td>
              <td class="mono">
                {s.toAccount ?? ""}
                {s.toAccountReason && <small class="muted"> （{s.toAccountReason}）</small>}
              </td>
              <td>
                {s.returnRequestId != null && (
                  <>
                    <a href={`/requests/${s.returnRequestId}`}>#{s.returnRequestId}</a>{" "}
                    {s.returnStatus && <StatusPill t={t} status={s.returnStatus} />}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {plan.method === "pro_rata" && (
        <>
          <h3>{t("returns.objections")}</h3>
          {plan.objections.length === 0 ? (
            <p class="muted">{t("common.none")}</p>
          ) : (
            <ul data-testid="objections">
              {plan.objections.map((o) => (
                <li>
                  {formatInstant(o.at)} · {o.objector}: {o.text}
                  {o.recordedBy && <small class="muted"> （{t("returns.recordedBy", { who: o.recordedBy })}）</small>}
                </li>
              ))}
            </ul>
          )}
          {noticeOpen && (
            <form
              method="post"
              action={`/requests/${p.freeze.id}/returns/${plan.id}/objections`}
              class="row"
              data-testid="objection-form"
            >
              <CsrfField token={p.csrf} />
              <input
                name="objector"
                required
                maxlength={100}
                placeholder={t("field.objector")}
                aria-label={t("field.objector")}
                value={p.values?.objector ?? ""}
              />
              <FieldError issues={p.issues} name="objector" />
              <input
                name="text"
                required
                maxlength={2000}
                placeholder={t("returns.objection")}
                aria-label={t("returns.objection")}
                value={p.values?.text ?? ""}
              />
              <FieldError issues={p.issues} name="text" />
              <button type="submit">{t("returns.recordObjection")}</button>
            </form>
          )}
        </>
      )}
      {plan.sentAt == null && plan.withdrawnAt == null && (
        <form
          method="post"
          action={`/requests/${p.freeze.id}/returns/${plan.id}/withdraw`}
          class="row"
          data-testid="withdraw-form"
        >
          <CsrfField token={p.csrf} />
          <input
            name="reason"
            required
            maxlength={500}
            placeholder={t("returns.withdrawReason")}
            aria-label={t("returns.withdrawReason")}
            value={p.values?.reason ?? ""}
          />
          <FieldError issues={p.issues} name="reason" />
          <button type="submit">{t("returns.withdraw")}</button>
        </form>
      )}
      {plan.withdrawnAt != null ? (
        <p class="notice" data-testid="withdrawn">
          {t("returns.withdrawnAt", { at: formatInstant(plan.withdrawnAt), reason: plan.withdrawnReason ?? "" })}
        </p>
      ) : plan.sentAt == null ? (
        noticeOpen ? (
          <p class="notice" data-testid="waiting">
            {t("returns.waiting", { until: formatInstant(plan.noticeClosesAt) })}
          </p>
        ) : (
          <form method="post" action={`/requests/${p.freeze.id}/returns/${plan.id}/send`}>
            <CsrfField token={p.csrf} />
            <button type="submit" data-testid="send-returns">
              {t("returns.send")}
            </button>
          </form>
        )
      ) : (
        <p class="notice" data-testid="sent">
          {t("returns.sentAt", { at: formatInstant(plan.sentAt) })}
        </p>
      )}
    </section>
  );
}

export function ReturnsPage(p: ReturnsPageProps) {
  const { t, freeze } = p;
  const pending = p.plan && p.plan.sentAt == null && p.plan.withdrawnAt == null;
  return (
    <div>
      <p>
        <a href={`/requests/${freeze.id}`}>
          ← {t("requests.kind.freeze")} #{freeze.id}
        </a>
      </p>
      <h1>
        {t("returns.plan")} · <span class="mono">{freeze.suspectValue}</span> · {freeze.instZh}
      </h1>
      <p class="muted">{t("returns.rules")}</p>
      <Errors message={p.error} issues={p.issues?.filter((i) => !/^(account|reason)\./.test(i.path))} />
      {p.plan && <PlanView {...p} plan={p.plan} />}
      {!pending && (
        <>
          <MethodChooser t={t} id={freeze.id} method={p.method} />
          {p.refusal && (
            <p class="error" data-testid="refusal">
              {p.refusal}
            </p>
          )}
          {p.preview && <PreviewForm {...p} preview={p.preview} />}
        </>
      )}
    </div>
  );
}
