// One request as the center sees it: its facts, what the center can do now (send, renew,
// release, the follow-up freeze or return), its history, the onward transfers it revealed with
// their level n+1 drafts, and the requests that follow it.
import { formatFen } from "../../src/domain/money";
import type { DeadlineConfig, RequestAction } from "../../src/domain/requests";
import type { Issue } from "../../src/http/errors";
import type { RequestDetail, RequestView } from "../../src/requests/read";
import { CsrfField, Errors, FieldError, When } from "../components";
import type { Lang, T } from "../i18n";
import { CheckList, FreezeTerms } from "./checks";
import { SendButton } from "./list";
import { NoticeLinks } from "./notice";
import { DueCell, displayValue, History, institutionName, KindLabel, Money, OnwardTable, StatusPill } from "./parts";

function ActionButton(p: { t: T; csrf: string | null; id: number; action: "renew" | "release"; confirm?: string }) {
  return (
    <form method="post" action={`/requests/${p.id}/${p.action}`} class="inline">
      <CsrfField token={p.csrf} />
      <button type="submit" data-testid={`${p.action}-${p.id}`} data-confirm={p.confirm}>
        {p.t(`requests.action.${p.action}`)}
      </button>
    </form>
  );
}

/**
 * 继续冻结: an instruction to the bank for at most the freeze's own term, counted from its expiry;
 * 12 months carries the city-level approval (the freeze's, unless a new one is entered).
 */
function RenewFreezeForm(p: {
  t: T;
  csrf: string | null;
  r: RequestView;
  typed?: Record<string, string>;
  issues?: Issue[];
}) {
  const { t, r } = p;
  const v = p.typed ?? {};
  const terms = r.term === "12m" ? (["6m", "12m"] as const) : (["6m"] as const);
  return (
    <form method="post" action={`/requests/${r.id}/renew`} class="inline row" data-testid={`renew-form-${r.id}`}>
      <CsrfField token={p.csrf} />
      <label>
        {t("field.term")}
        <select name="term">
          {terms.map((x) => (
            <option value={x} selected={x === (v.term ?? r.term ?? "6m")}>
              {t(`terms.term.${x}`)}
            </option>
          ))}
        </select>
      </label>
      {r.term === "12m" && (
        <>
          <input
            name="approvalBy"
            maxlength={100}
            placeholder={t("field.approvalBy")}
            aria-label={t("field.approvalBy")}
            value={v.approvalBy ?? ""}
          />
          <FieldError issues={p.issues} name="approvalBy" />
          <input
            type="datetime-local"
            name="approvalAt"
            aria-label={t("field.approvalAt")}
            value={v.approvalAt ?? ""}
          />
          <FieldError issues={p.issues} name="approvalAt" />
          <input
            name="approvalRef"
            maxlength={100}
            placeholder={t("field.approvalRef")}
            aria-label={t("field.approvalRef")}
            value={v.approvalRef ?? ""}
          />
          <FieldError issues={p.issues} name="approvalRef" />
        </>
      )}
      <button type="submit" data-testid={`renew-${r.id}`}>
        {t("requests.action.renewFreeze")}
      </button>
    </form>
  );
}

/** A draft not to be sent: the reason goes on its history. */
function DiscardForm(p: { t: T; csrf: string | null; id: number; typed?: Record<string, string>; issues?: Issue[] }) {
  return (
    <form method="post" action={`/requests/${p.id}/discard`} class="inline row" data-testid={`discard-form-${p.id}`}>
      <CsrfField token={p.csrf} />
      <input
        name="reason"
        required
        maxlength={500}
        placeholder={p.t("requests.discardReason")}
        aria-label={p.t("requests.discardReason")}
        value={p.typed?.reason ?? ""}
      />
      <FieldError issues={p.issues} name="reason" />
      <button type="submit" data-testid={`discard-${p.id}`}>
        {p.t("requests.action.discard")}
      </button>
    </form>
  );
}

const followUp = (r: RequestView, kind: "freeze" | "return", amount: number | null) =>
  `/requests/new?${new URLSearchParams({
    kind,
    suspectId: String(r.suspectId),
    institution: r.instCode,
    parentRequestId: String(r.id),
    ...(r.caseId != null && { caseId: String(r.caseId) }),
    ...(amount != null && { amount: (amount / 100).toFixed(2) }),
  })}`;

/** A refused form's values as typed and its issues, for that form only. */
const typedFor = (
  p: { typed?: { action: string; values: Record<string, string> }; issues?: Issue[] },
  action: string,
) => (p.typed?.action === action ? { typed: p.typed.values, issues: p.issues } : {});

export function RequestDetailPage(p: {
  t: T;
  lang: Lang;
  csrf: string | null;
  d: RequestDetail;
  actions: RequestAction[];
  now: number;
  cfg: DeadlineConfig;
  notice?: string;
  error?: string;
  issues?: Issue[];
  canUrge?: boolean;
  typed?: { action: string; values: Record<string, string> };
}) {
  const { t, d, actions } = p;
  const r = d.request;
  return (
    <div hx-ext="sse" sse-connect={`/requests/events?id=${r.id}`}>
      <div
        id="request-live"
        hx-get={`/requests/${r.id}`}
        hx-select="#request-live"
        hx-swap="outerHTML"
        hx-trigger="sse:changed throttle:300ms"
      >
        <p>
          <a href="/requests">← {t("cases.requests")}</a>
          {r.caseId != null && (
            <>
              {" · "}
              <a href={`/cases/${r.caseId}`}>
                {t("requests.case")} #{r.caseId}
              </a>
              {" · "}
              <a href={`/cases/${r.caseId}/flow`}>{t("requests.flow")}</a>
            </>
          )}
        </p>
        {p.canUrge && (
          // 督办: a supervisor presses the desk that owes the overdue answer (src/supervision/urge.ts)
          <form method="post" action={`/supervision/urge/request/${r.id}`} class="inline no-print">
            {p.csrf && <input type="hidden" name="_csrf" value={p.csrf} />}
            <button type="submit" data-testid={`urge-request-${r.id}`}>
              {t("urge.button")}
            </button>
          </form>
        )}
        {p.notice && (
          <p class="notice" role="status">
            {p.notice}
          </p>
        )}
        <h1 data-testid="request-title">
          <KindLabel t={t} kind={r.kind} /> #{r.id} <StatusPill t={t} status={r.status} />{" "}
          <DueCell t={t} r={r} now={p.now} cfg={p.cfg} />
        </h1>
        <NoticeLinks t={t} requestId={r.id} instructionsJson={r.instructionsJson} />
        <Errors message={p.error} issues={p.issues} />
        <div class="row" data-testid="request-actions">
          {actions.includes("send") && <SendButton t={t} csrf={p.csrf} id={r.id} />}
          {actions.includes("discard") && <DiscardForm t={t} csrf={p.csrf} id={r.id} {...typedFor(p, "discard")} />}
          {actions.includes("renew") &&
            (r.kind === "freeze" ? (
              <RenewFreezeForm t={t} csrf={p.csrf} r={r} {...typedFor(p, "renew")} />
            ) : (
              <ActionButton t={t} csrf={p.csrf} id={r.id} action="renew" />
            ))}
          {actions.includes("release") && (
            <ActionButton t={t} csrf={p.csrf} id={r.id} action="release" confirm={t("requests.confirmRelease")} />
          )}
          {r.kind === "stop_payment" && (r.status === "completed" || r.status === "partially_completed") && (
            <a class="button" href={followUp(r, "freeze", r.doneAmountFen)}>
              {t("requests.requestFreeze")}
            </a>
          )}
          {d.returnableFen != null && d.returnableFen > 0 && (
            <a class="button" href={`/requests/${r.id}/returns`} data-testid="return-plan-link">
              {t("returns.plan")}
            </a>
          )}
          {d.returnableFen != null && d.returnableFen > 0 && (
            <a class="button" href={followUp(r, "return", d.returnableFen)}>
              {t("requests.requestReturn")} ({t("requests.returnable", { amount: formatFen(d.returnableFen) })})
            </a>
          )}
        </div>
        <div class="grid">
          <dl class="card">
            <dt>{t("requests.suspect")}</dt>
            <dd>
              <a class="mono" href={`/suspects/${r.suspectId}`}>
                {displayValue(r.suspectKind, r.suspectValue)}
              </a>
            </dd>
            <dt>{t("field.institution")}</dt>
            <dd>{institutionName(p.lang, r)}</dd>
            <dt>{t("cases.level")}</dt>
            <dd>{t("requests.levelN", { n: r.level })}</dd>
            {d.parent && (
              <>
                <dt>{t("requests.parent")}</dt>
                <dd>
                  <a href={`/requests/${d.parent.id}`}>
                    <KindLabel t={t} kind={d.parent.kind} /> #{d.parent.id}
                  </a>
                </dd>
              </>
            )}
            {r.note && (
              <>
                <dt>{t("field.note")}</dt>
                <dd style="white-space:pre-line">{r.note}</dd>
              </>
            )}
          </dl>
          <dl class="card">
            <dt>{t("field.amount")}</dt>
            <dd>
              <Money fen={r.amountFen} />
            </dd>
            <dt>{t("requests.done")}</dt>
            <dd data-testid="done-amount">
              <Money fen={r.doneAmountFen} />
            </dd>
            <dt>{t("field.balance")}</dt>
            <dd>
              <Money fen={r.balanceFen} />
            </dd>
            <dt>{t("requests.renewals")}</dt>
            <dd>{r.renewals}</dd>
          </dl>
          <dl class="card">
            <dt>{t("requests.sentAt")}</dt>
            <dd>
              <When at={r.sentAt} />
            </dd>
            <dt>{t("requests.acknowledgedAt")}</dt>
            <dd>
              <When at={r.acknowledgedAt} />
            </dd>
            <dt>{t("requests.respondedAt")}</dt>
            <dd>
              <When at={r.respondedAt} />
            </dd>
            <dt>{t("requests.deadlineAt")}</dt>
            <dd>
              <When at={r.deadlineAt} />
              {r.escalatedAt != null && <span class="pill bad">{t("requests.escalatedAt")}</span>}
            </dd>
            <dt>{t("requests.expiresAt")}</dt>
            <dd>
              <When at={r.expiresAt} />
            </dd>
          </dl>
        </div>

        {d.onward.length > 0 && (
          <OnwardTable
            t={t}
            rows={d.onward}
            linked
            more={{
              heads: (
                <>
                  <th>{t("cases.level")}</th>
                  <th>{t("requests.nextRequest")}</th>
                </>
              ),
              cells: (o) => (
                <>
                  <td>{t("requests.levelN", { n: o.level })}</td>
                  <td>
                    {o.nextRequestId == null ? (
                      <span class="warn">{t("requests.noDesk")}</span>
                    ) : (
                      <>
                        <a href={`/requests/${o.nextRequestId}`}>#{o.nextRequestId}</a>{" "}
                        <StatusPill t={t} status={o.nextStatus!} />{" "}
                        {o.nextStatus === "draft" && <SendButton t={t} csrf={p.csrf} id={o.nextRequestId} />}
                      </>
                    )}
                  </td>
                </>
              ),
            }}
          />
        )}

        {d.children.length > 0 && (
          <>
            <h2>{t("requests.followUps")}</h2>
            <table data-testid="children">
              <tbody>
                {d.children.map((c) => (
                  <tr data-request-id={String(c.id)}>
                    <td>
                      <a href={`/requests/${c.id}`}>#{c.id}</a>
                    </td>
                    <td>
                      <KindLabel t={t} kind={c.kind} />
                    </td>
                    <td class="mono">{displayValue(c.suspectKind, c.suspectValue)}</td>
                    <td>{institutionName(p.lang, c)}</td>
                    <td class="num">
                      <Money fen={c.doneAmountFen ?? c.amountFen} />
                    </td>
                    <td>
                      <StatusPill t={t} status={c.status} />
                    </td>
                    <td>{c.status === "draft" && <SendButton t={t} csrf={p.csrf} id={c.id} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}

        {d.warnings.includes("onward_exceeds_received") && (
          <p class="notice bad" role="alert" data-testid="warning-onward-exceeds">
            {t("requests.warning.onwardExceeds", {
              onward: formatFen(d.onward.reduce((s, o) => s + o.amountFen, 0)),
              received: formatFen(
                d.transactions.length ? d.transactions.reduce((s, x) => s + x.amountFen, 0) : (r.amountFen ?? 0),
              ),
            })}
          </p>
        )}
        <div class="grid">
          {r.suspectKind === "bank_account" && <CheckList t={t} r={r} transactions={d.transactions} />}
          <FreezeTerms t={t} r={r} />
        </div>
        <h2>{t("requests.timeline")}</h2>
        <History t={t} rows={d.history} />
      </div>
    </div>
  );
}
