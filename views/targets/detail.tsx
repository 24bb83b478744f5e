// One target: who they are and why they are at risk, who holds them, the ways to contact them,
// every contact with its live status and outcome, follow-up reviews, and the timeline.
import { FOLLOW_UP_OUTCOMES, FRAUD_TYPES, WARNING_OUTCOMES } from "../../src/domain/enums";
import { formatFen } from "../../src/domain/money";
import { type Deadlines, leaseHeld, STANDARD_SMS_TEXT, trafficLight } from "../../src/domain/queue";
import type { Refusal } from "../../src/domain/reasons";
import { toShanghaiLocal } from "../../src/domain/time";
import type { Issue } from "../../src/http/errors";
import type { TargetView } from "../../src/targets/service";
import type { FollowUpView, WarningView } from "../../src/targets/warnings";
import { CsrfField, Errors, Field, When } from "../components";
import { known, refusalText, type T } from "../i18n";
import {
  assigneeText,
  GradePill,
  ProviderStatus,
  phoneText,
  statusWords,
  TargetLight,
  TargetState,
  timeOnly,
} from "./parts";

// well inside the shortest lease anyone would configure
const RENEW_EVERY_S = 60;

export type DetailProps = {
  t: T;
  csrf: string | null;
  now: number;
  deadlines: Deadlines;
  target: TargetView;
  warnings: WarningView[];
  followUps: FollowUpView[];
  merges: { at: number; actor: string; source: string | null }[];
  /** supervisors' urges (督办), oldest first */
  urges?: { by: string; note: string | null; at: number }[];
  /** a supervisor on an overdue open target: the urge (督办) button */
  canUrge?: boolean;
  /** the viewer holds the claim */
  mine: boolean;
  canWork: boolean;
  agentPhone: string;
  notice?: "created" | "merged";
  result?: { problem: Refusal | null; caseId: number | null; stopPaymentId: number | null };
  issues?: Issue[];
  error?: string;
  /** a refused form's values as typed, to show them again in that form ("outcome:12", "follow-up", "contact:visit"…) */
  typed?: Typed;
};

type Typed = { form: string; values: Record<string, string> };

/** What was typed in this form when it was refused, and its issues (only that form shows them next to its fields). */
function typedIn(p: Pick<DetailProps, "typed" | "issues">, form: string) {
  const mine = p.typed?.form === form;
  return {
    v: (name: string): string | undefined => (mine ? p.typed!.values[name] : undefined),
    issues: mine ? p.issues : undefined,
  };
}

export function TargetDetailPage(p: DetailProps) {
  const { t, target: x, now } = p;
  const open = x.status === "open";
  const heldByOther = leaseHeld(x.leaseExpiresAt, now) && !p.mine;
  const mayAct = p.canWork && open && !heldByOther;
  return (
    <>
      <h1 data-testid="target-title">
        {phoneText(x.phone)} {x.name ?? ""} <GradePill t={t} grade={x.riskGrade} />{" "}
        <TargetLight t={t} light={trafficLight(x, now, p.deadlines)} />
      </h1>
      {p.canUrge && (
        <form method="post" action={`/supervision/urge/target/${x.id}`} class="inline">
          <CsrfField token={p.csrf} />
          <button type="submit" data-testid={`urge-target-${x.id}`}>
            {t("urge.button")}
          </button>
        </form>
      )}
      {p.notice && <p class="notice">{t(`targets.${p.notice}`)}</p>}
      <Result t={t} result={p.result} />
      <Errors message={p.error ?? (p.issues?.length ? t("error.invalid") : undefined)} issues={p.issues} />
      {/* the call controls and the outcome first, above the fold; then what is known */}
      {mayAct && <ContactPanel {...p} />}
      {p.canWork && !(p.mine && open) && (
        <form method="post" action="/targets/next" class="row">
          <CsrfField token={p.csrf} />
          <button type="submit" class="primary" data-testid="take-next">
            {t("targets.takeNext")}
          </button>
        </form>
      )}
      <div class="grid two">
        <dl class="card">
          <dt>{t("field.phone")}</dt>
          <dd data-testid="target-phone">{phoneText(x.phone)}</dd>
          <dt>{t("field.district")}</dt>
          <dd>{x.district ?? "—"}</dd>
          <dt>{t("field.age")}</dt>
          <dd>{x.age ?? "—"}</dd>
          <dt>{t("targets.reason")}</dt>
          <dd>
            {t(`targets.reason.${x.reason}`)}
            {x.suspectId !== null && (
              <>
                {" · "}
                <a href={`/suspects/${x.suspectId}`}>
                  {x.suspectKind === "phone" ? phoneText(x.suspectValue!) : x.suspectValue}
                </a>
              </>
            )}
            {x.reasonNote && <div class="muted">{x.reasonNote}</div>}
          </dd>
          <dt>{t("targets.amountShort")}</dt>
          <dd>{formatFen(x.amountAtRiskFen) || "—"}</dd>
          <dt>{t("targets.source")}</dt>
          <dd>{t(`targets.source.${x.source}`)}</dd>
        </dl>
        <section class="card" data-testid="target-state">
          <p>
            <TargetState t={t} target={x} now={now} />
          </p>
          <p>
            {t("requests.due")}: <When at={x.dueAt} /> · {t("cases.createdAt")}: <When at={x.createdAt} />
          </p>
          {x.caseId !== null && (
            <p>
              <a href={`/cases/${x.caseId}`}>
                {t("requests.case")} #{x.caseId}
              </a>
            </p>
          )}
          {p.mine && open && (
            <>
              <p class="notice">{t("targets.youHold", { until: timeOnly(x.leaseExpiresAt!) })}</p>
              <span hx-post={`/targets/${x.id}/renew`} hx-trigger={`every ${RENEW_EVERY_S}s`} hx-swap="none"></span>
              <form method="post" action={`/targets/${x.id}/release`} class="inline">
                <CsrfField token={p.csrf} />
                <button type="submit">{t("targets.release")}</button>
              </form>
            </>
          )}
          {mayAct && !p.mine && (
            <form method="post" action={`/targets/${x.id}/claim`} class="inline">
              <CsrfField token={p.csrf} />
              <button type="submit" data-testid="claim">
                {t("targets.claim")}
              </button>
            </form>
          )}
        </section>
      </div>
      <section class="card">
        <h2 style="margin-top:0">{t("targets.contacts")}</h2>
        <Contacts {...p} mayReport={p.canWork && !heldByOther} />
      </section>
      <FollowUps {...p} />
      <section class="card">
        <h2 style="margin-top:0">{t("targets.timeline")}</h2>
        <Timeline {...p} />
      </section>
    </>
  );
}

function Result(p: { t: T; result: DetailProps["result"] }) {
  const r = p.result;
  if (!r || (!r.problem && r.caseId === null)) return null;
  return (
    <div class={r.problem ? "warn-box" : "notice"} role="status" data-testid="result">
      {r.caseId !== null && (
        <p>
          <a href={`/cases/${r.caseId}`}>{p.t("targets.openedCase", { id: r.caseId })}</a>
          {r.stopPaymentId !== null && (
            <>
              {" · "}
              <a href={`/requests/${r.stopPaymentId}`}>{p.t("targets.draftStopPayment", { id: r.stopPaymentId })}</a>
            </>
          )}
        </p>
      )}
      {r.problem && <p>{refusalText(p.t, r.problem)}</p>}
    </div>
  );
}

function ContactPanel(p: DetailProps) {
  const { t, target: x } = p;
  const action = `/targets/${x.id}/contacts`;
  const visit = typedIn(p, "contact:visit");
  const manual = typedIn(p, "contact:manual_call");
  const Hidden = (h: { channel: string }) => (
    <>
      <CsrfField token={p.csrf} />
      <input type="hidden" name="channel" value={h.channel} />
      {/* one per form shown: a double click sends one call (db/idempotency.ts) */}
      <input type="hidden" name="nonce" value={crypto.randomUUID()} />
    </>
  );
  return (
    <section class="card" data-testid="contact">
      <h2 style="margin-top:0">{t("targets.contact")}</h2>
      <CallNow {...p} />
      <div class="grid two">
        <form method="post" action={action} class="stack">
          <Hidden channel="call" />
          <strong>{t("targets.contact.call")}</strong>
          <button type="submit" class="primary" data-testid="call-warning" style="justify-self:start">
            {t("targets.contact.callButton")}
          </button>
        </form>
        <form method="post" action={action} class="stack">
          <Hidden channel="call" />
          <strong>{t("targets.contact.connect")}</strong>
          <label>
            {t("field.connectTo")}
            <input name="connectTo" type="tel" value={p.agentPhone} required autocomplete="tel" />
          </label>
          <button type="submit" data-testid="call-connect" style="justify-self:start">
            {t("targets.contact.connectButton")}
          </button>
        </form>
        <form method="post" action={action} class="stack">
          <Hidden channel="sms" />
          <strong>{t("targets.contact.sms")}</strong>
          <label>
            {t("field.text")}
            <textarea name="message" maxlength={500}>
              {STANDARD_SMS_TEXT}
            </textarea>
          </label>
          <button type="submit" data-testid="send-sms" style="justify-self:start">
            {t("targets.contact.smsButton")}
          </button>
        </form>
        <form method="post" action={action} class="stack">
          <Hidden channel="manual_call" />
          <strong>{t("targets.contact.manual")}</strong>
          <OutcomeSelect t={t} value={manual.v("outcome")} issues={manual.issues} />
          <Field label={t("common.note")} name="note" issues={manual.issues}>
            <input name="note" maxlength={1000} value={manual.v("note") ?? ""} />
          </Field>
          <button type="submit" style="justify-self:start">
            {t("targets.contact.manualButton")}
          </button>
        </form>
        <form method="post" action={action} class="stack" data-testid="visit-form">
          <Hidden channel="visit" />
          <strong>{t("targets.contact.visit")}</strong>
          <div class="row">
            <Field label={t("targets.contact.assigneeKind")} name="assigneeKind" issues={visit.issues}>
              <select name="assigneeKind">
                <option value="police_station">{t("targets.assignee.police_station")}</option>
                <option value="grid_worker" selected={visit.v("assigneeKind") === "grid_worker"}>
                  {t("targets.assignee.grid_worker")}
                </option>
              </select>
            </Field>
            <Field label={t("targets.contact.assignee")} name="assignee" issues={visit.issues}>
              <input name="assignee" required maxlength={100} value={visit.v("assignee") ?? ""} />
            </Field>
            <Field label={t("targets.contact.scheduledAt")} name="scheduledAt" issues={visit.issues}>
              <input
                name="scheduledAt"
                type="datetime-local"
                value={visit.v("scheduledAt") ?? toShanghaiLocal(p.now)}
                required
              />
            </Field>
          </div>
          <Field label={t("common.note")} name="note" issues={visit.issues}>
            <input name="note" maxlength={1000} value={visit.v("note") ?? ""} />
          </Field>
          <button type="submit" style="justify-self:start">
            {t("targets.contact.visitButton")}
          </button>
        </form>
      </div>
    </section>
  );
}

// Outcomes one click records; "already paid" needs the amount and account (the full form below).
const QUICK_OUTCOMES = WARNING_OUTCOMES.filter((o) => o !== "already_paid");

/** The call just placed: its status in words (live), and its outcome in one click. */
function CallNow(p: DetailProps) {
  const { t } = p;
  const w = [...p.warnings].reverse().find((x) => (x.channel === "call" || x.channel === "sms") && !x.outcome);
  if (!w) return null;
  return (
    <div class="notice stack" data-testid="call-now">
      <div>
        {t(`targets.channel.${w.channel}`)} · <ProviderStatus t={t} warning={w} />
      </div>
      <form
        method="post"
        action={`/targets/warnings/${w.id}/outcome`}
        class="row"
        data-testid={`quick-outcome-${w.id}`}
      >
        <CsrfField token={p.csrf} />
        {QUICK_OUTCOMES.map((o) => (
          <button
            type="submit"
            name="outcome"
            value={o}
            class={o === "dissuaded" ? "primary" : undefined}
            data-testid={`quick-${o}`}
          >
            {t(`targets.outcome.${o}`)}
          </button>
        ))}
      </form>
    </div>
  );
}

function OutcomeSelect(p: { t: T; value?: string; issues?: Issue[] }) {
  return (
    <Field label={p.t("field.outcome")} name="outcome" issues={p.issues}>
      <select name="outcome" required>
        <option value="">—</option>
        {WARNING_OUTCOMES.map((o) => (
          <option value={o} selected={o === p.value}>
            {p.t(`targets.outcome.${o}`)}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** `mayReport`: outcomes may be recorded (a visit's report even after the target was closed). */
function Contacts(p: DetailProps & { mayReport: boolean }) {
  const { t } = p;
  if (p.warnings.length === 0) return <p class="muted">{t("common.none")}</p>;
  return (
    <table data-testid="contacts">
      <thead>
        <tr>
          <th>{t("field.at")}</th>
          <th>{t("field.kind")}</th>
          <th>{t("targets.agent")}</th>
          <th>{t("targets.providerStatus")}</th>
          <th>{t("field.outcome")}</th>
        </tr>
      </thead>
      <tbody>
        {p.warnings.map((w) => (
          <tr data-warning-id={w.id}>
            <td>
              <When at={w.createdAt} />
            </td>
            <td>
              {t(`targets.channel.${w.channel}`)}
              {w.channel === "visit" && (
                <div class="muted">
                  {assigneeText(t, w.assignee)} · <When at={w.scheduledAt} />
                </div>
              )}
              {w.note && <div class="muted">{w.note}</div>}
            </td>
            <td>{w.agentName ?? ""}</td>
            <td>
              <ProviderStatus t={t} warning={w} />
            </td>
            <td>
              {w.outcome ? (
                <span data-testid={`outcome-${w.id}`}>{t(`targets.outcome.${w.outcome}`)}</span>
              ) : p.mayReport && (p.target.status === "open" || w.channel === "visit") ? (
                <OutcomeForm t={t} csrf={p.csrf} warningId={w.id} typed={typedIn(p, `outcome:${w.id}`)} />
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OutcomeForm(p: { t: T; csrf: string | null; warningId: number; typed: ReturnType<typeof typedIn> }) {
  const { t } = p;
  const { v, issues } = p.typed;
  const paid = v("paidAmount") || v("paidTo");
  return (
    <form
      method="post"
      action={`/targets/warnings/${p.warningId}/outcome`}
      class="stack"
      data-testid={`outcome-form-${p.warningId}`}
    >
      <CsrfField token={p.csrf} />
      <div class="row">
        <OutcomeSelect t={t} value={v("outcome")} issues={issues} />
        <Field label={t("common.note")} name="note" issues={issues}>
          <input name="note" maxlength={1000} value={v("note") ?? ""} />
        </Field>
      </div>
      {/* open when something was typed in it: a refusal there must be seen */}
      <details open={paid ? true : undefined}>
        <summary class="muted">{t("targets.paidHint")}</summary>
        <div class="row">
          <Field label={t("targets.paidAmount")} name="paidAmount" issues={issues}>
            <input name="paidAmount" inputmode="decimal" size={10} value={v("paidAmount") ?? ""} />
          </Field>
          <Field label={t("targets.paidTo")} name="paidTo" issues={issues}>
            <input name="paidTo" inputmode="numeric" size={24} value={v("paidTo") ?? ""} />
          </Field>
          <Field label={t("field.fraudType")} name="fraudType" issues={issues}>
            <select name="fraudType">
              {FRAUD_TYPES.map((f) => (
                <option value={f} selected={f === (v("fraudType") ?? "other")}>
                  {t(`cases.fraud.${f}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </details>
      <Field label={t("targets.followUpAt")} name="followUpAt" issues={issues}>
        <input name="followUpAt" type="datetime-local" value={v("followUpAt") ?? ""} />
      </Field>
      <button type="submit" class="primary" style="justify-self:start">
        {t("targets.recordOutcome")}
      </button>
    </form>
  );
}

function FollowUps(p: DetailProps) {
  const { t } = p;
  const next = typedIn(p, "follow-up");
  return (
    <section class="card" data-testid="follow-ups">
      <h2 style="margin-top:0">{t("targets.followUps")}</h2>
      {p.followUps.length > 0 && (
        <table>
          <tbody>
            {p.followUps.map((f) => (
              <tr>
                <td>
                  <When at={f.dueAt} />
                </td>
                <td>{f.assignedName ?? ""}</td>
                <td>{f.note ?? ""}</td>
                <td>
                  {f.doneAt !== null ? (
                    <>
                      {f.outcome && t(`targets.followUp.outcome.${f.outcome}`)} · <When at={f.doneAt} />
                    </>
                  ) : p.canWork ? (
                    <form method="post" action={`/targets/follow-ups/${f.id}`} class="row">
                      <CsrfField token={p.csrf} />
                      <select name="outcome" required aria-label={t("field.outcome")}>
                        <option value="">—</option>
                        {FOLLOW_UP_OUTCOMES.map((o) => (
                          <option value={o} selected={o === typedIn(p, `follow-up:${f.id}`).v("outcome")}>
                            {t(`targets.followUp.outcome.${o}`)}
                          </option>
                        ))}
                      </select>
                      <input
                        name="note"
                        maxlength={1000}
                        aria-label={t("common.note")}
                        value={typedIn(p, `follow-up:${f.id}`).v("note") ?? ""}
                      />
                      <button type="submit">{t("targets.followUp.record")}</button>
                    </form>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.canWork && (
        <form
          method="post"
          action={`/targets/${p.target.id}/follow-ups`}
          class="row"
          style="margin-top:.6rem"
          data-testid="follow-up-form"
        >
          <CsrfField token={p.csrf} />
          <input type="hidden" name="nonce" value={crypto.randomUUID()} />
          <Field label={t("targets.followUp.dueAt")} name="dueAt" issues={next.issues}>
            <input
              name="dueAt"
              type="datetime-local"
              required
              value={next.v("dueAt") ?? toShanghaiLocal(p.now + 86_400_000)}
            />
          </Field>
          <Field label={t("common.note")} name="note" issues={next.issues}>
            <input name="note" maxlength={1000} value={next.v("note") ?? ""} />
          </Field>
          <button type="submit">{t("targets.followUp.schedule")}</button>
        </form>
      )}
    </section>
  );
}

/** "feed" → its name; "import:12" → the import's name and number. */
function sourceText(t: T, source: string | null): string {
  if (!source) return "";
  const [kind, id] = source.split(":");
  const label = known(t, `targets.source.${kind}`);
  return label ? `${label}${id ? ` #${id}` : ""}` : source;
}

function Timeline(p: DetailProps) {
  const { t, target: x } = p;
  const items: { at: number; text: string; who?: string | null }[] = [
    { at: x.createdAt, text: t("targets.tl.created", { source: t(`targets.source.${x.source}`) }) },
    ...p.merges.map((m) => ({
      at: m.at,
      text: t("targets.tl.merged", { source: sourceText(t, m.source) }),
      who: m.actor,
    })),
    ...(p.urges ?? []).map((u) => ({
      at: u.at,
      text: [t("targets.tl.urged", { by: u.by }), u.note].filter(Boolean).join(" · "),
      who: u.by,
    })),
    ...p.warnings.map((w) => ({
      at: w.createdAt,
      text: [
        t(`targets.channel.${w.channel}`),
        w.providerStatus && statusWords(t, w.providerStatus),
        w.outcome && t(`targets.outcome.${w.outcome}`),
      ]
        .filter(Boolean)
        .join(" · "),
      who: w.agentName,
    })),
    ...p.followUps.flatMap((f) => [
      { at: f.createdAt, text: t("targets.tl.followUp", { at: toShanghaiLocal(f.dueAt).replace("T", " ") }) },
      ...(f.doneAt !== null
        ? [
            {
              at: f.doneAt,
              text: `${t("targets.followUp.done")} · ${f.outcome && t(`targets.followUp.outcome.${f.outcome}`)}`,
            },
          ]
        : []),
    ]),
    ...(x.closedAt !== null
      ? [
          {
            at: x.closedAt,
            text: t("targets.tl.closed", { outcome: x.outcome ? t(`targets.outcome.${x.outcome}`) : "" }),
          },
        ]
      : []),
  ].sort((a, b) => a.at - b.at);
  return (
    <ol data-testid="timeline">
      {items.map((i) => (
        <li>
          <When at={i.at} /> {i.text}
          {i.who && <span class="muted"> · {i.who}</span>}
        </li>
      ))}
    </ol>
  );
}
