// The desk (受理台) of a bank's or carrier's on-site staff: open requests, most urgent first,
// kept live over server-sent events; what was answered lately below.

import type { DeskQueue as Queue } from "../../src/desk/service";
import type { DeadlineConfig } from "../../src/domain/requests";
import type { RequestView } from "../../src/requests/read";
import { Stat, When } from "../components";
import type { T } from "../i18n";
import { DueCell, displayValue, KindLabel, Money, StatusPill } from "../requests/parts";

type Common = { t: T; now: number; cfg: DeadlineConfig };

function DeskRow(p: Common & { r: RequestView }) {
  const { t, r } = p;
  return (
    <tr data-request-id={String(r.id)} data-status={r.status} class={r.status === "sent" ? "fresh new-row" : undefined}>
      <td>
        <DueCell t={t} r={r} now={p.now} cfg={p.cfg} />
      </td>
      <td>
        <a href={`/desk/${r.id}`}>#{r.id}</a>
      </td>
      <td>
        <KindLabel t={t} kind={r.kind} />
      </td>
      <td class="mono">{displayValue(r.suspectKind, r.suspectValue)}</td>
      <td class="num">
        <Money fen={r.amountFen} />
      </td>
      <td class="num">{r.level}</td>
      <td>
        <StatusPill t={t} status={r.status} />
      </td>
      <td>
        <When at={r.sentAt} />
      </td>
      <td>
        {/* an open request is handled; a finished one only viewed */}
        <a
          class={r.status === "sent" || r.status === "acknowledged" ? "button primary" : "button"}
          href={`/desk/${r.id}`}
          data-testid={`desk-link-${r.id}`}
        >
          {t(r.status === "sent" || r.status === "acknowledged" ? "desk.open.link" : "live.view")}
        </a>
      </td>
    </tr>
  );
}

function RequestTable(p: Common & { rows: RequestView[]; testid: string }) {
  const { t } = p;
  return (
    <table data-testid={p.testid}>
      <thead>
        <tr>
          <th>{t("requests.due")}</th>
          <th>{t("cases.id")}</th>
          <th>{t("requests.kind")}</th>
          <th>{t("requests.suspect")}</th>
          <th class="num">{t("field.amount")}</th>
          <th class="num">{t("cases.level")}</th>
          <th>{t("field.status")}</th>
          <th>{t("requests.sentAt")}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <DeskRow {...p} r={r} />
        ))}
      </tbody>
    </table>
  );
}

/** The open queue with its counts: the part the live events refresh. */
export function DeskQueue(p: Common & { q: Queue }) {
  const { t, q } = p;
  return (
    <>
      <div class="grid" data-testid="desk-counts">
        <Stat label={t("desk.open")} value={q.open} testid="desk-open" />
        <Stat label={t("desk.unacked")} value={q.unacked} testid="desk-unacked" />
        <Stat
          label={t("targets.light.red")}
          value={<span class={q.overdue ? "bad" : ""}>{q.overdue}</span>}
          testid="desk-overdue"
        />
      </div>
      {q.rows.length === 0 ? (
        <p class="muted">{t("desk.none")}</p>
      ) : (
        <>
          {q.open > q.rows.length && <p class="muted">{t("desk.showing", { n: q.rows.length, total: q.open })}</p>}
          {/* not yet opened (sent) at the top, highlighted; then the rest, most urgent first */}
          <RequestTable
            {...p}
            rows={[...q.rows.filter((r) => r.status === "sent"), ...q.rows.filter((r) => r.status !== "sent")]}
            testid="desk-queue"
          />
        </>
      )}
    </>
  );
}

/** One arrival, swapped in at the top of the alert area as it happens. */
export function DeskAlert(p: { t: T; r: RequestView }) {
  const { t, r } = p;
  return (
    <div class="warn-box fresh" role="alert" data-alert-id={String(r.id)} data-live-banner="unread">
      <strong>{t("desk.arrived")}</strong> · <KindLabel t={t} kind={r.kind} /> ·{" "}
      <span class="mono">{displayValue(r.suspectKind, r.suspectValue)}</span>
      {r.amountFen != null && (
        <>
          {" "}
          · <Money fen={r.amountFen} />
        </>
      )}{" "}
      ·{" "}
      <a href={`/desk/${r.id}`}>
        {t("desk.open.link")} #{r.id}
      </a>
    </div>
  );
}

export function DeskPage(p: Common & { institution: string; q: Queue; answered: RequestView[]; search: string }) {
  const { t } = p;
  return (
    <div hx-ext="sse" sse-connect="/desk/events">
      <h1>
        {t("nav.desk")} <span class="pill">{p.institution}</span>{" "}
        <span class="live-state" data-live-state="connecting" data-testid="desk-live-state" style="font-size:.8rem">
          <span data-when="connecting">○ {t("live.state.connecting")}</span>
          <span data-when="open">● {t("live.state.open")}</span>
          <span data-when="error">✕ {t("live.state.error")}</span>
        </span>
      </h1>
      <div id="desk-alerts" sse-swap="arrived" hx-swap="afterbegin" data-testid="desk-alerts"></div>
      <div id="desk-live" hx-get="/desk/queue" hx-trigger="sse:arrived, sse:changed, every 30s" hx-swap="innerHTML">
        <DeskQueue {...p} />
      </div>
      <h2>{t("desk.answered")}</h2>
      <form method="get" action="/desk" class="row">
        <input type="search" name="q" value={p.search} placeholder={t("desk.search")} aria-label={t("desk.search")} />
        <button type="submit">{t("common.search")}</button>
      </form>
      {p.answered.length === 0 ? (
        <p class="muted">{t("common.none")}</p>
      ) : (
        <RequestTable {...p} rows={p.answered} testid="desk-answered" />
      )}
    </div>
  );
}
