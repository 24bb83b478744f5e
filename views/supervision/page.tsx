// 督办看板: the live part (lights, overdue, escalated) refreshes itself; response times follow the period.
import type { Child } from "hono/jsx";
import { REQUEST_KINDS } from "../../src/domain/enums";
import { formatChangePct } from "../../src/domain/yoy";
import type { Issue } from "../../src/http/errors";
import type { ResolvedPeriod } from "../../src/stats/schemas";
import type {
  Board,
  InstitutionTimes,
  LightCounts,
  OverdueRequest,
  OverdueTarget,
} from "../../src/supervision/service";
import type { UrgeRow } from "../../src/supervision/urge";
import { Light, When } from "../components";
import type { Lang, T } from "../i18n";
import { ExportSection, PeriodPicker, type SectionProps } from "./period";

/** 2天3小时 / 1h 5m: the two largest units, enough to compare at a glance. */
function formatDuration(ms: number | null | undefined, t: T): string {
  if (ms == null) return "—";
  const s = Math.max(0, Math.round(ms / 1000));
  const units: ["d" | "h" | "m" | "s", number][] = [
    ["d", Math.floor(s / 86_400)],
    ["h", Math.floor((s % 86_400) / 3600)],
    ["m", Math.floor((s % 3600) / 60)],
    ["s", s % 60],
  ];
  const first = units.findIndex(([, n]) => n > 0);
  if (first < 0) return t("supervision.dur.s", { n: 0 });
  return units
    .slice(first, first + 2)
    .filter(([, n]) => n > 0)
    .map(([u, n]) => t(`supervision.dur.${u}`, { n }))
    .join(" ");
}

const Section = (props: SectionProps) => <ExportSection href="/supervision/export" {...props} />;

/** The first rows of a list the board caps, or "none", and a line saying how many there are in all. */
function FirstRows(props: { t: T; shown: number; total: number; children: Child }) {
  const { t } = props;
  if (!props.shown) return <p class="muted">{t("common.none")}</p>;
  return (
    <>
      {props.children}
      {props.total > props.shown && (
        <p class="muted">{t("supervision.showingFirst", { n: props.shown, total: props.total })}</p>
      )}
    </>
  );
}

function LightsTable(props: {
  t: T;
  head: string;
  rows: { label: string; counts: LightCounts }[];
  total: LightCounts;
  escalated: boolean;
  testid: string;
}) {
  const { t } = props;
  const cells = (c: LightCounts) => (
    <>
      <td class="num">{c.green}</td>
      <td class="num">{c.yellow}</td>
      <td class={`num ${c.red ? "bad" : ""}`}>{c.red}</td>
      <td class={`num ${c.overdue ? "bad" : ""}`}>{c.overdue}</td>
      {props.escalated && <td class="num">{c.escalated}</td>}
      <td class="num">{c.total}</td>
    </>
  );
  return (
    <table data-testid={props.testid}>
      <thead>
        <tr>
          <th>{props.head}</th>
          <th class="num">
            <Light colour="green" label={t("supervision.light.green")} />
          </th>
          <th class="num">
            <Light colour="yellow" label={t("supervision.light.yellow")} />
          </th>
          <th class="num">
            <Light colour="red" label={t("supervision.light.red")} />
          </th>
          <th class="num">{t("requests.light.red")}</th>
          {props.escalated && <th class="num">{t("requests.escalatedAt")}</th>}
          <th class="num">{t("common.total")}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>{r.label}</td>
            {cells(r.counts)}
          </tr>
        ))}
        <tr class="total">
          <th>{t("common.total")}</th>
          {cells(props.total)}
        </tr>
      </tbody>
    </table>
  );
}

function instName(i: { nameZh: string; nameEn: string }, lang: Lang) {
  return lang === "zh" ? i.nameZh : i.nameEn;
}

function RequestsTable(props: {
  t: T;
  lang: Lang;
  rows: OverdueRequest[];
  total: number;
  testid: string;
  escalated?: boolean;
  urged?: Map<number, number>;
}) {
  const { t, lang } = props;
  return (
    <FirstRows t={t} shown={props.rows.length} total={props.total}>
      <table data-testid={props.testid}>
        <thead>
          <tr>
            <th>{t("audit.entityId")}</th>
            <th>{t("field.institution")}</th>
            <th>{t("field.kind")}</th>
            <th>{t("field.status")}</th>
            <th>{t("supervision.col.sentAt")}</th>
            <th>{t("supervision.col.deadlineAt")}</th>
            {props.escalated && <th>{t("supervision.col.escalatedAt")}</th>}
            <th class="num">{t("supervision.col.age")}</th>
            <th class="num">{t("supervision.col.overdueBy")}</th>
            <th>{t("urge.button")}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td>
                <a href={`/requests/${r.id}`}>#{r.id}</a>
              </td>
              <td>{instName(r.institution, lang)}</td>
              <td>{t(`requests.kind.${r.kind}`)}</td>
              <td>{t(`requests.status.${r.status}`)}</td>
              <td>
                <When at={r.sentAt} />
              </td>
              <td>
                <When at={r.deadlineAt} />
              </td>
              {props.escalated && (
                <td>
                  <When at={r.escalatedAt} />
                </td>
              )}
              <td class="num">{formatDuration(r.ageMs, t)}</td>
              <td class="num bad">{r.overdueMs > 0 ? formatDuration(r.overdueMs, t) : "—"}</td>
              <td>
                <UrgeButton
                  t={t}
                  what="request"
                  id={r.id}
                  urged={props.urged?.get(r.id) ?? 0}
                  show={r.overdueMs >= 0}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </FirstRows>
  );
}

function TargetsTable(props: { t: T; rows: OverdueTarget[]; total: number; urged?: Map<number, number> }) {
  const { t } = props;
  return (
    <FirstRows t={t} shown={props.rows.length} total={props.total}>
      <table data-testid="overdue-targets">
        <thead>
          <tr>
            <th>{t("audit.entityId")}</th>
            <th>{t("field.riskGrade")}</th>
            <th>{t("field.district")}</th>
            <th>{t("field.reason")}</th>
            <th>{t("publicity.col.createdAt")}</th>
            <th>{t("supervision.col.dueAt")}</th>
            <th class="num">{t("supervision.col.overdueBy")}</th>
            <th>{t("supervision.col.claimedBy")}</th>
            <th>{t("urge.button")}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td>
                <a href={`/targets/${r.id}`}>#{r.id}</a>
              </td>
              <td>{t(`targets.grade.${r.riskGrade}`)}</td>
              <td>{r.district ?? "—"}</td>
              <td>{t(`targets.reason.${r.reason}`)}</td>
              <td>
                <When at={r.createdAt} />
              </td>
              <td>
                <When at={r.dueAt} />
              </td>
              <td class="num bad">{formatDuration(r.overdueMs, t)}</td>
              <td>{r.claimedBy ?? <span class="muted">{t("supervision.unclaimed")}</span>}</td>
              <td>
                <UrgeButton t={t} what="target" id={r.id} urged={props.urged?.get(r.id) ?? 0} show />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </FirstRows>
  );
}

/** 督办 on one overdue row (htmx, with the page's CSRF header); how often it was urged today. */
function UrgeButton(p: { t: T; what: "request" | "target"; id: number; urged: number; show: boolean }) {
  return (
    <span class="row" style="gap:.3rem">
      {p.show && (
        <button
          type="button"
          hx-post={`/supervision/urge/${p.what}/${p.id}`}
          hx-swap="none"
          data-testid={`urge-${p.what}-${p.id}`}
        >
          {p.t("urge.button")}
        </button>
      )}
      {p.urged > 0 && (
        <span class="pill" data-testid={`urged-${p.what}-${p.id}`}>
          {p.t("urge.count", { n: p.urged })}
        </span>
      )}
    </span>
  );
}

function UrgesTable(p: { t: T; rows: UrgeRow[] }) {
  const { t } = p;
  if (!p.rows.length) return <p class="muted">{t("common.none")}</p>;
  return (
    <table data-testid="urges">
      <thead>
        <tr>
          <th>{t("field.at")}</th>
          <th>{t("urge.subject")}</th>
          <th>{t("urge.by")}</th>
          <th>{t("common.note")}</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((u) => (
          <tr>
            <td>
              <When at={u.at} />
            </td>
            <td>
              {u.requestId != null ? (
                <a href={`/requests/${u.requestId}`}>{t("urge.request", { id: u.requestId })}</a>
              ) : (
                <a href={`/targets/${u.targetId}`}>{t("urge.target", { id: u.targetId! })}</a>
              )}
            </td>
            <td>{u.by}</td>
            <td>{u.note ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The part of the board that refreshes itself: polled every 15 s and pulled at once on an SSE nudge. */
export function LiveBoard(props: { t: T; lang: Lang; board: Board & { urges: UrgeRow[] }; now: number }) {
  const { t, lang, board } = props;
  const count = (key: "requestId" | "targetId") => {
    const m = new Map<number, number>();
    for (const u of board.urges) if (u[key] != null) m.set(u[key]!, (m.get(u[key]!) ?? 0) + 1);
    return m;
  };
  const urgedRequests = count("requestId");
  const urgedTargets = count("targetId");
  const q = ""; // these tables are "now": no period
  return (
    <div
      id="supervision-live"
      hx-get="/supervision/live"
      hx-trigger="every 15s, sse:changed"
      hx-swap="outerHTML"
      data-testid="supervision-live"
    >
      <p class="muted no-print">
        {t("supervision.live")} · {t("supervision.refreshed")} <When at={props.now} />
      </p>
      <div class="grid">
        <Section
          title={t("supervision.requestLights")}
          table="requestLights"
          query={q}
          note={t("supervision.lightsNote")}
        >
          <LightsTable
            t={t}
            head={t("requests.kind")}
            rows={board.requestLights.byKind.map((r) => ({ label: t(`requests.kind.${r.kind}`), counts: r.counts }))}
            total={board.requestLights.total}
            escalated
            testid="request-lights"
          />
        </Section>
        <Section title={t("supervision.targetLights")} table="targetLights" query={q}>
          <LightsTable
            t={t}
            head={t("field.riskGrade")}
            rows={board.targetLights.byGrade.map((r) => ({ label: t(`targets.grade.${r.grade}`), counts: r.counts }))}
            total={board.targetLights.total}
            escalated={false}
            testid="target-lights"
          />
        </Section>
      </div>
      <Section title={t("supervision.overdueRequests")} table="overdueRequests" query={q}>
        <RequestsTable
          t={t}
          lang={lang}
          rows={board.overdueRequests}
          total={board.requestLights.total.overdue}
          testid="overdue-requests"
          urged={urgedRequests}
        />
      </Section>
      <Section title={t("supervision.escalated")} table="escalatedRequests" query={q}>
        <RequestsTable
          t={t}
          lang={lang}
          rows={board.escalatedRequests}
          total={board.requestLights.total.escalated}
          testid="escalated-requests"
          escalated
          urged={urgedRequests}
        />
      </Section>
      <Section title={t("supervision.overdueTargets")} table="overdueTargets" query={q}>
        <TargetsTable t={t} rows={board.overdueTargets} total={board.targetLights.total.overdue} urged={urgedTargets} />
      </Section>
      <section class="card">
        <h2 style="margin-top:0">{t("urge.recent")}</h2>
        <UrgesTable t={t} rows={board.urges} />
      </section>
    </div>
  );
}

function TimesTable(props: { t: T; lang: Lang; rows: InstitutionTimes[]; testid: string }) {
  const { t, lang } = props;
  const d = (ms: number | null) => formatDuration(ms, t);
  return (
    <table data-testid={props.testid}>
      <thead>
        <tr>
          <th rowspan={2}>{t("field.institution")}</th>
          <th class="num" rowspan={2}>
            {t("supervision.col.sent")}
          </th>
          <th colspan={4}>{t("publicity.col.current")}</th>
          <th colspan={4}>{t("stats.previous")}</th>
          <th class="num" rowspan={2}>
            {t("supervision.col.answerChange")}
          </th>
        </tr>
        <tr>
          {[0, 1].map(() => (
            <>
              <th class="num">{t("supervision.col.ackMedian")}</th>
              <th class="num">{t("supervision.col.ackP90")}</th>
              <th class="num">{t("supervision.col.answerMedian")}</th>
              <th class="num">{t("supervision.col.answerP90")}</th>
            </>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr data-institution={r.institution.code}>
            <td>{instName(r.institution, lang)}</td>
            <td class="num">{r.current.sent}</td>
            <td class="num">{d(r.current.ack.median)}</td>
            <td class="num">{d(r.current.ack.p90)}</td>
            <td class="num">{d(r.current.answer.median)}</td>
            <td class="num">{d(r.current.answer.p90)}</td>
            <td class="num muted">{d(r.previous.ack.median)}</td>
            <td class="num muted">{d(r.previous.ack.p90)}</td>
            <td class="num muted">{d(r.previous.answer.median)}</td>
            <td class="num muted">{d(r.previous.answer.p90)}</td>
            {/* slower answers are bad: a rise reads red */}
            <td
              class={`num ${r.answerMedianChangePct == null || r.answerMedianChangePct === 0 ? "" : r.answerMedianChangePct > 0 ? "bad" : "good"}`}
            >
              {formatChangePct(r.answerMedianChangePct)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SupervisionPage(props: {
  t: T;
  lang: Lang;
  now: number;
  board: Board & { urges: UrgeRow[] };
  resolved: ResolvedPeriod;
  query: string;
  requestKind: string | null;
  issues?: Issue[];
  times: InstitutionTimes[] | null;
}) {
  const { t, lang } = props;
  return (
    <>
      <h1>{t("supervision.title")}</h1>
      <div hx-ext="sse" sse-connect="/supervision/events">
        <LiveBoard t={t} lang={lang} board={props.board} now={props.now} />
      </div>
      <h2 id="times">{t("supervision.responseTimes")}</h2>
      <PeriodPicker t={t} action="/supervision" resolved={props.resolved} issues={props.issues}>
        <label>
          {t("supervision.kindFilter")}
          <select name="requestKind">
            <option value="">{t("supervision.allKinds")}</option>
            {REQUEST_KINDS.map((k) => (
              <option value={k} selected={props.requestKind === k}>
                {t(`requests.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
      </PeriodPicker>
      {props.times && (
        <>
          <p class="muted">{t("supervision.responseNote")}</p>
          <Section title={t("requests.institutions.bank")} table="bankTimes" query={props.query}>
            <TimesTable
              t={t}
              lang={lang}
              rows={props.times.filter((r) => r.institution.kind === "bank")}
              testid="bank-times"
            />
          </Section>
          <Section title={t("requests.institutions.carrier")} table="carrierTimes" query={props.query}>
            <TimesTable
              t={t}
              lang={lang}
              rows={props.times.filter((r) => r.institution.kind === "carrier")}
              testid="carrier-times"
            />
          </Section>
        </>
      )}
    </>
  );
}
