// The agents' queue: take the next target, what I hold, the queue in order with its traffic
// lights (supervisors filter to the overdue), visits and follow-ups waiting. The table refreshes
// itself when the queue changes (server-sent events) and every 30 s (lights move with time).
import { formatFen } from "../../src/domain/money";
import { type Deadlines, trafficLight } from "../../src/domain/queue";
import type { QueueFilter } from "../../src/targets/schemas";
import type { QueueCounts, TargetView } from "../../src/targets/service";
import type { PendingItem } from "../../src/targets/warnings";
import { CsrfField, Stat, When } from "../components";
import type { T } from "../i18n";
import { assigneeText, GradePill, phoneText, TargetLight, TargetState } from "./parts";

export type QueueProps = {
  t: T;
  csrf: string | null;
  now: number;
  deadlines: Deadlines;
  filter: QueueFilter;
  counts: QueueCounts;
  page: { rows: TargetView[]; more: boolean };
  mine: TargetView[];
  worked: TargetView[];
  followUps: PendingItem[];
  visits: PendingItem[];
  canWrite: boolean;
  nothingWaiting: boolean;
};

const queueQuery = (f: QueueFilter, page = f.page) => {
  const q = new URLSearchParams();
  if (f.grade) q.set("grade", f.grade);
  if (f.overdue) q.set("overdue", "1");
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `?${s}` : "";
};

export function QueuePage(p: QueueProps) {
  const { t, counts, filter } = p;
  return (
    <>
      <h1>{t("targets.queue")}</h1>
      {p.nothingWaiting && (
        <p class="notice" role="status" data-testid="nothing-waiting">
          {t("targets.nothingWaiting")}
        </p>
      )}
      {p.canWrite && (
        <div class="row" style="margin-bottom:1rem">
          <form method="post" action="/targets/next" class="inline">
            <CsrfField token={p.csrf} />
            <button type="submit" class="primary" data-testid="take-next">
              {t("targets.takeNext")}
            </button>
          </form>
          <a class="button" href="/targets/new">
            {t("targets.new")}
          </a>
          <a class="button" href="/imports?kind=targets">
            {t("targets.import")}
          </a>
        </div>
      )}
      <div class="grid" style="margin-bottom:1rem">
        <Stat label={t("targets.grade.high")} value={counts.open.high} href="/targets?grade=high" testid="count-high" />
        <Stat label={t("targets.grade.medium")} value={counts.open.medium} href="/targets?grade=medium" />
        <Stat label={t("targets.grade.low")} value={counts.open.low} href="/targets?grade=low" />
        <Stat label={t("targets.held")} value={counts.held} testid="count-held" />
        <Stat
          label={t("targets.light.red")}
          value={<span class={counts.overdue ? "bad" : undefined}>{counts.overdue}</span>}
          href="/targets?overdue=1"
          testid="count-overdue"
        />
      </div>
      {p.mine.length > 0 && (
        <section class="card" data-testid="mine">
          <h2 style="margin-top:0">{t("home.targetsMine")}</h2>
          <ul>
            {p.mine.map((x) => (
              <li>
                <a href={`/targets/${x.id}`}>
                  <GradePill t={t} grade={x.riskGrade} /> {phoneText(x.phone)} {x.name ?? ""}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form method="get" action="/targets" class="row" style="margin-bottom:.6rem">
        <label>
          {t("field.riskGrade")}
          <select name="grade">
            <option value="">{t("targets.allGrades")}</option>
            {(["high", "medium", "low"] as const).map((g) => (
              <option value={g} selected={filter.grade === g}>
                {t(`targets.grade.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-label">
          <input type="checkbox" name="overdue" value="1" checked={filter.overdue} /> {t("requests.filter.overdue")}
        </label>
        <button type="submit">{t("common.filter")}</button>
      </form>
      <div hx-ext="sse" sse-connect="/targets/events">
        <QueueTable {...p} />
      </div>
      {p.worked.length > 0 && (
        <section style="margin-top:1rem" data-testid="worked">
          <h2>{t("targets.beingWorked")}</h2>
          <Rows t={t} now={p.now} deadlines={p.deadlines} rows={p.worked} />
        </section>
      )}
      <div class="grid two" style="margin-top:1rem">
        <Pending t={t} title={t("targets.visitsPending")} items={p.visits} testid="visits-pending" />
        <Pending t={t} title={t("targets.followUpsDue")} items={p.followUps} testid="follow-ups-due" />
      </div>
    </>
  );
}

/** The queue's rows; also served alone (/targets/list) for the live refresh. */
export function QueueTable(p: Pick<QueueProps, "t" | "now" | "deadlines" | "filter" | "page">) {
  const { t, filter } = p;
  return (
    <div
      id="queue-table"
      hx-get={`/targets/list${queueQuery(filter)}`}
      hx-trigger="sse:changed throttle:2s, every 30s"
      hx-swap="outerHTML"
    >
      <Rows t={t} now={p.now} deadlines={p.deadlines} rows={p.page.rows} testid="queue" />
      <div class="row" style="margin-top:.5rem">
        {filter.page > 1 && <a href={`/targets${queueQuery(filter, filter.page - 1)}`}>{t("common.prev")}</a>}
        {p.page.more && <a href={`/targets${queueQuery(filter, filter.page + 1)}`}>{t("common.next")}</a>}
      </div>
    </div>
  );
}

function Rows(p: { t: T; now: number; deadlines: Deadlines; rows: TargetView[]; testid?: string }) {
  const { t, now } = p;
  return (
    <table data-testid={p.testid}>
      <thead>
        <tr>
          <th></th>
          <th>{t("field.riskGrade")}</th>
          <th>{t("field.phone")}</th>
          <th>{t("field.displayName")}</th>
          <th>{t("field.district")}</th>
          <th>{t("targets.reason")}</th>
          <th class="num">{t("targets.amountShort")}</th>
          <th>{t("targets.waitingSince")}</th>
          <th>{t("requests.due")}</th>
          <th>{t("field.status")}</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.length === 0 && (
          <tr>
            <td colspan={10} class="muted">
              {t("targets.none")}
            </td>
          </tr>
        )}
        {p.rows.map((x) => (
          <tr data-target-id={x.id}>
            <td>
              <TargetLight t={t} light={trafficLight(x, now, p.deadlines)} />
            </td>
            <td>
              <GradePill t={t} grade={x.riskGrade} />
            </td>
            <td class="nowrap">
              <a href={`/targets/${x.id}`}>{phoneText(x.phone)}</a>
            </td>
            <td>{x.name ?? ""}</td>
            <td>{x.district ?? ""}</td>
            <td>{t(`targets.reason.${x.reason}`)}</td>
            <td class="num">{formatFen(x.amountAtRiskFen)}</td>
            <td>
              <When at={x.availableAt} />
            </td>
            <td>
              <When at={x.dueAt} />
            </td>
            <td>
              <TargetState t={t} target={x} now={now} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Pending(p: { t: T; title: string; items: PendingItem[]; testid: string }) {
  return (
    <section class="card" data-testid={p.testid}>
      <h2 style="margin-top:0">{p.title}</h2>
      {p.items.length === 0 ? (
        <p class="muted">{p.t("common.none")}</p>
      ) : (
        <table>
          <tbody>
            {p.items.map((i) => (
              <tr>
                <td>
                  <When at={i.at} />
                </td>
                <td>
                  <GradePill t={p.t} grade={i.riskGrade} />
                </td>
                <td>
                  <a href={`/targets/${i.targetId}`}>{phoneText(i.phone)}</a> {i.name ?? ""}
                </td>
                <td class="muted">{assigneeText(p.t, i.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
