// Pages: the center's requests (/requests…) and the institutions' desks (/desk…), both kept
// live over server-sent events.
import { Hono, type Context } from "hono";
import { DeskRequestPage, DeskTitle, OnwardRowFields, type AnswerValues, type OnwardValues } from "../../views/desk/detail";
import { DeskAlert, DeskPage, DeskQueue } from "../../views/desk/page";
import { errorText, type T } from "../../views/i18n";
import { RequestDetailPage } from "../../views/requests/detail";
import { FundFlowPage } from "../../views/requests/flow";
import { InstitutionField, NewRequestPage, type CreateValues } from "../../views/requests/form";
import { RequestsListPage } from "../../views/requests/list";
import { allow } from "../auth/middleware";
import { institutionScope } from "../domain/access";
import { formatFen } from "../domain/money";
import { liveStream, type LiveEvent } from "../events";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { AppError, notFound, zodIssues, type Issue } from "../http/errors";
import { fragment, pageCtx, render, wantsFragment } from "../http/render";
import { SearchQuery } from "../http/query";
import { ActionForm, type ActionInput, CreateForm, createInputFromForm, DiscardForm, InstitutionQuery, ListPageQuery, NewFormQuery, OnwardRow, RespondForm, type OnwardInput } from "./schemas";
import {
  actionsFor,
  centerAction,
  type CenterAction,
  createRequest,
  deskAnswered,
  deskQueue,
  fundFlow,
  getRequest,
  inferInstitution,
  institutionOptions,
  listRequests,
  AmountAboveRequest,
  RefusedTransition,
  requestDetail,
  respond,
  ReturnTooLarge,
  suspectBrief,
} from "./service";
import { principalOf } from "../db/idempotency";
import { acknowledgeOnOpen } from "./open-ack";
import { caseSuspectOptions, type CaseSuspectOption } from "./case-suspects";
import { urgeHistory } from "../supervision/urge";
import { isOverdue } from "../domain/requests";

type C = Context<AppEnv>;

const PAGE = 100;

function idOf(c: C, name = "id"): number {
  const n = Number(c.req.param(name));
  if (!Number.isSafeInteger(n) || n <= 0) throw notFound("request");
  return n;
}

/** A refused action in words: the state machine's refusal, a return too large, a race. */
function refusal(t: T, e: AppError): string {
  if (e instanceof RefusedTransition) {
    return t(`requests.refused.${e.rule}`, { action: t(`requests.action.${e.action}`), kind: t(`requests.kind.${e.kind}`), status: t(`requests.status.${e.from}`) });
  }
  if (e instanceof ReturnTooLarge) return t("requests.returnTooLarge", { amount: formatFen(e.left) });
  if (e instanceof AmountAboveRequest) return t("requests.amountAboveRequest", { done: formatFen(e.done), asked: formatFen(e.asked) });
  return errorText(t, e);
}

/** Back to the page the button was on (same origin only), else the request. */
function back(c: C, fallback: string): string {
  const ref = c.req.header("Referer");
  if (!ref) return fallback;
  try {
    const u = new URL(ref);
    return u.origin === new URL(c.req.url).origin ? u.pathname + u.search : fallback;
  } catch {
    return fallback;
  }
}

/**
 * A server-sent-event stream of one EventBus channel. `map` turns each event into what this
 * viewer receives (rendered in their language, filtered to what they may see), or null.
 */
function live(c: C, channel: string, map: (e: LiveEvent) => Promise<LiveEvent | null> | LiveEvent | null) {
  return liveStream(c, async (live) => {
    let chain = Promise.resolve();
    const unsubscribe = c.var.deps.events.subscribe(channel, (e) => {
      chain = chain
        .then(async () => {
          const m = await map(e);
          if (m) await live.send(m);
        })
        .catch(() => {});
    });
    try {
      await live.closed;
    } finally {
      unsubscribe();
    }
  });
}

function one(v: unknown): string {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === "string" ? x : "";
}
function many(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (typeof x === "string" ? x : ""));
}

export const requestsRoutes = new Hono<AppEnv>()
  // ---------------------------------------------------------------------------------------------
  // The center: list, live updates, new request, fund flow, one request and its actions
  .get("/requests", allow("requests.write"), (c) => {
    const { db, clock, config } = c.var.deps;
    const q = ListPageQuery.parse(c.req.query());
    const filter = { ...q, limit: PAGE };
    const now = clock.now();
    const rows = listRequests(db, c.var.actor!, filter, now, config);
    const url = new URL(c.req.url);
    const next = new URLSearchParams(url.search);
    next.set("before", String(rows.at(-1)?.id ?? 0));
    return render(
      c,
      c.var.t("requests.title"),
      <RequestsListPage
        t={c.var.t}
        lang={c.var.lang}
        csrf={pageCtx(c).csrfToken}
        now={now}
        cfg={config}
        rows={rows}
        filter={filter}
        institutions={institutionOptions(db)}
        nextHref={rows.length === PAGE ? `/requests?${next}` : null}
        liveHref={url.pathname + url.search}
      />,
    );
  })
  .get("/requests/events", allow("requests.write"), (c) => {
    const only = c.req.query("id");
    return live(c, "requests", (e) => (only && e.data !== only ? null : { event: "changed", data: e.data }));
  })
  .get("/requests/new", allow("requests.write"), (c) => {
    const q = NewFormQuery.parse(c.req.query());
    const suspect = q.suspectId ? suspectBrief(c.var.deps.db, q.suspectId) : null;
    const inferred = suspect ? suspect.institutionCode : q.value ? inferOrNull(q.value) : null;
    const values: CreateValues = { ...q, suspectId: suspect ? String(suspect.id) : undefined };
    return newForm(c, { suspect, inferred, values, caseSuspects: !suspect && q.caseId ? caseSuspectOptions(c.var.deps.db, Number(q.caseId)) : undefined });
  })
  .get("/requests/new/institution", allow("requests.write"), (c) => {
    const { value, institution } = InstitutionQuery.parse(c.req.query());
    return c.html(
      <InstitutionField t={c.var.t} lang={c.var.lang} institutions={institutionOptions(c.var.deps.db)} chosen={institution} inferred={inferOrNull(value)} known={value !== ""} />,
    );
  })
  .post("/requests", allow("requests.write"), async (c) => {
    const body = await c.req.parseBody();
    const values = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, one(v)])) as CreateValues & { nonce?: string };
    const suspect = values.suspectId ? suspectBrief(c.var.deps.db, Number(values.suspectId)) : null;
    const again = (issues: Issue[] | undefined, error: string | undefined, status: 400 | 404 | 409 | 422) =>
      newForm(c, { suspect, inferred: suspect?.institutionCode ?? (values.value ? inferOrNull(values.value) : null), values, issues, error, nonce: values.nonce }, status);
    const parsed = CreateForm.safeParse(body);
    if (!parsed.success) return again(zodIssues(parsed.error), undefined, 400);
    try {
      const actor = c.var.actor!;
      const { request, replay } = createRequest(c.var.deps, who(c), createInputFromForm(parsed.data), {
        principal: principalOf(actor),
        key: `form:${parsed.data.nonce}`,
        body: (r) => ({ request: { id: r.id } }),
      });
      return c.redirect(`/requests/${request.id}${replay ? "" : `?done=${parsed.data.intent === "draft" ? "drafted" : "sent"}`}`, 303);
    } catch (e) {
      if (e instanceof AppError && (e.status === 400 || e.status === 409)) {
        const fields = e.status === 400 && e.issues.length ? e.issues : undefined;
        return again(fields, fields ? undefined : refusal(c.var.t, e), e.status);
      }
      throw e;
    }
  })
  .get("/requests/cases/:caseId/flow", allow("cases.read"), (c) => {
    const { db, clock, config } = c.var.deps;
    const flow = fundFlow(db, idOf(c, "caseId"), clock.now(), config);
    if (!flow) throw notFound("case");
    return render(c, c.var.t("requests.flowTitle", { id: flow.caseId }), <FundFlowPage t={c.var.t} lang={c.var.lang} flow={flow} csrf={pageCtx(c).csrfToken} />);
  })
  .get("/requests/:id{[0-9]+}", allow("requests.write"), (c) => detailPage(c, idOf(c)))
  .post("/requests/:id{[0-9]+}/:action{send|discard|renew|release}", allow("requests.write"), async (c) => {
    const id = idOf(c);
    const action = c.req.param("action") as CenterAction;
    let opts: ActionInput = {};
    const body = await c.req.parseBody();
    // a refused form shows again with what was typed in it
    const typed = { action, values: Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<string, string> };
    if (action === "discard") {
      const form = DiscardForm.safeParse(body);
      if (!form.success) return detailPage(c, id, { issues: zodIssues(form.error), typed, status: 400 });
      opts = { reason: form.data.reason };
    } else if (action === "renew" || action === "release") {
      // a freeze's renewal carries its term (and the approval for 12 months)
      const form = ActionForm.safeParse(body);
      if (!form.success) return detailPage(c, id, { issues: zodIssues(form.error), typed, status: 400 });
      opts = form.data;
    }
    try {
      centerAction(c.var.deps, who(c), id, action, opts);
    } catch (e) {
      // a double click: the first one sent (or discarded) it, which is what was wanted
      const done = e instanceof RefusedTransition && (action === "send" ? e.from !== "draft" && e.from !== "discarded" : action === "discard" && e.from === "discarded");
      if (done) return c.redirect(back(c, `/requests/${id}`), 303);
      if (e instanceof AppError && e.status === 409) return detailPage(c, id, { error: refusal(c.var.t, e), status: 409 });
      if (e instanceof AppError && e.status === 400) return detailPage(c, id, { issues: e.issues, typed, status: 400 });
      throw e;
    }
    return c.redirect(back(c, `/requests/${id}`), 303);
  })
  // ---------------------------------------------------------------------------------------------
  // The desks: the queue, live arrivals, one request and its answer
  .get("/desk", allow("requests.respond"), (c) => {
    const { db, clock, config } = c.var.deps;
    const actor = c.var.actor!;
    const inst = institutionScope(actor)!;
    const now = clock.now();
    const search = SearchQuery.parse(c.req.query()).q.replace(/\D/g, "");
    const name = institutionOptions(db).find((i) => i.id === inst);
    return render(
      c,
      c.var.t("desk.title"),
      <DeskPage
        t={c.var.t}
        now={now}
        cfg={config}
        institution={name ? (c.var.lang === "zh" ? name.nameZh : name.nameEn) : "—"}
        q={deskQueue(db, inst, now)}
        answered={deskAnswered(db, inst, search || undefined)}
        search={search}
      />,
    );
  })
  .get("/desk/queue", allow("requests.respond"), (c) => {
    const { db, clock, config } = c.var.deps;
    const now = clock.now();
    c.header("Vary", "HX-Request");
    return c.html(<DeskQueue t={c.var.t} now={now} cfg={config} q={deskQueue(db, institutionScope(c.var.actor!)!, now)} />);
  })
  .get("/desk/events", allow("requests.respond"), (c) => {
    const actor = c.var.actor!;
    const { db } = c.var.deps;
    const t = c.var.t;
    return live(c, `desk:${institutionScope(actor)}`, async (e) => {
      if (e.event !== "arrived") return { event: "changed", data: e.data };
      const r = getRequest(db, actor, Number(e.data));
      return { event: "arrived", data: await (<DeskAlert t={t} r={r} />).toString() };
    });
  })
  .get("/desk/onward-row", allow("requests.respond"), (c) =>
    c.html(<OnwardRowFields t={c.var.t} lang={c.var.lang} banks={institutionOptions(c.var.deps.db).filter((i) => i.kind === "bank")} now={c.var.deps.clock.now()} />),
  )
  // a GET writes nothing (a browser's prefetch must not acknowledge): a sent request's page posts
  // to /open as soon as it has loaded (DeskTitle), which acknowledges it (open-ack.ts)
  .get("/desk/:id{[0-9]+}", allow("requests.respond"), (c) => deskDetail(c, idOf(c), { answered: c.req.query("answered") === "1" }))
  .post("/desk/:id{[0-9]+}/open", allow("requests.respond"), (c) => {
    const id = idOf(c);
    const { db, clock, config } = c.var.deps;
    getRequest(db, c.var.actor!, id); // another institution's request is a 404
    acknowledgeOnOpen(c.var.deps, who(c), id);
    if (!wantsFragment(c)) return c.redirect(`/desk/${id}`, 303);
    const d = requestDetail(db, c.var.actor!, id);
    const now = clock.now();
    return fragment(
      c,
      <>
        <DeskTitle t={c.var.t} d={d} now={now} cfg={config} />
        {!actionsFor(d.request, c.var.actor!, now).includes("acknowledge") && <div id="desk-ack" hx-swap-oob="true" />}
      </>,
    );
  })
  .post("/desk/:id{[0-9]+}/respond", allow("requests.respond"), async (c) => {
    const id = idOf(c);
    getRequest(c.var.deps.db, c.var.actor!, id); // another institution's request is a 404 before anything is read
    const body = await c.req.parseBody({ all: true });
    const values: AnswerValues = { amount: one(body.amount), balance: one(body.balance), reason: one(body.reason), reasonCode: one(body.reasonCode), onward: onwardValues(body) };
    const parsed = RespondForm.safeParse({ action: one(body.action), amount: values.amount, balance: values.balance, reason: values.reason, reasonCode: values.reasonCode });
    const issues: Issue[] = parsed.success ? [] : zodIssues(parsed.error);
    const onward: OnwardInput[] = [];
    values.onward!.forEach((row, i) => {
      const o = OnwardRow.safeParse(row);
      if (o.success) onward.push({ account: o.data.account, bank: o.data.bank, amountFen: o.data.amount, at: o.data.at, holderName: o.data.holderName, serialNo: o.data.serialNo });
      else issues.push(...zodIssues(o.error).map((x) => ({ path: `onwardTransfers.${i}.${x.path}`, message: x.message })));
    });
    if (!parsed.success || issues.length) return deskDetail(c, id, { issues, values, status: 400 });
    try {
      respond(c.var.deps, who(c), id, {
        action: parsed.data.action,
        amountFen: parsed.data.amount,
        balanceFen: parsed.data.balance,
        reason: parsed.data.reason,
        // a code belongs to a rejection; the select keeps its value whichever button is pressed
        reasonCode: parsed.data.action === "reject" ? parsed.data.reasonCode : undefined,
        onwardTransfers: onward,
      });
    } catch (e) {
      if (e instanceof AppError && (e.status === 400 || e.status === 409)) {
        return deskDetail(c, id, { issues: e.status === 400 ? e.issues : undefined, error: e.status === 409 ? refusal(c.var.t, e) : undefined, values, status: e.status });
      }
      throw e;
    }
    return c.redirect(`/desk/${id}?answered=1`, 303);
  });

function inferOrNull(value: string): string | null {
  const r = inferInstitution(value);
  return r.ok ? r.code : null;
}

function newForm(
  c: C,
  p: { suspect: ReturnType<typeof suspectBrief>; inferred: string | null; values: CreateValues; issues?: Issue[]; error?: string; nonce?: string; caseSuspects?: CaseSuspectOption[] },
  status: 200 | 400 | 404 | 409 | 422 = 200,
) {
  return render(
    c,
    c.var.t("requests.new"),
    <NewRequestPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={pageCtx(c).csrfToken}
      // a re-shown form keeps its nonce: submitting it again is still the same request
      nonce={p.nonce && /^[\w-]{8,64}$/.test(p.nonce) ? p.nonce : crypto.randomUUID()}
      institutions={institutionOptions(c.var.deps.db)}
      suspect={p.suspect}
      inferred={p.inferred}
      values={p.values}
      issues={p.issues}
      error={p.error}
      caseSuspects={p.caseSuspects}
    />,
    status,
  );
}

function detailPage(c: C, id: number, o: { error?: string; issues?: Issue[]; typed?: { action: string; values: Record<string, string> }; status?: 200 | 400 | 409 } = {}) {
  const { db, clock, config } = c.var.deps;
  const actor = c.var.actor!;
  const now = clock.now();
  const d = withUrges(db, requestDetail(db, actor, id));
  const done = c.req.query("done");
  return render(
    c,
    `${c.var.t(`requests.kind.${d.request.kind}`)} #${id}`,
    <RequestDetailPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={pageCtx(c).csrfToken}
      d={d}
      actions={actionsFor(d.request, actor, now)}
      now={now}
      cfg={config}
      canUrge={actor.role === "supervisor" && isOverdue(d.request, now)}
      notice={done === "sent" ? c.var.t("requests.sent") : done === "drafted" ? c.var.t("requests.drafted") : undefined}
      error={o.error}
      issues={o.issues}
      typed={o.typed}
    />,
    o.status ?? 200,
  );
}

function deskDetail(c: C, id: number, o: { answered?: boolean; issues?: Issue[]; error?: string; values?: AnswerValues; status?: 200 | 400 | 409 } = {}) {
  const { db, clock, config } = c.var.deps;
  const actor = c.var.actor!;
  const now = clock.now();
  const d = withUrges(db, requestDetail(db, actor, id));
  return render(
    c,
    `${c.var.t(`requests.kind.${d.request.kind}`)} #${id}`,
    <DeskRequestPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={pageCtx(c).csrfToken}
      d={d}
      actions={actionsFor(d.request, actor, now)}
      banks={institutionOptions(db).filter((i) => i.kind === "bank")}
      now={now}
      cfg={config}
      answered={o.answered}
      issues={o.issues}
      error={o.error}
      values={o.values}
    />,
    o.status ?? 200,
  );
}

/** The onward-transfer rows as typed; rows with neither account nor amount are left out. */
function onwardValues(body: Record<string, unknown>): OnwardValues[] {
  const accounts = many(body.ot_account);
  const banks = many(body.ot_bank);
  const amounts = many(body.ot_amount);
  const ats = many(body.ot_at);
  const holders = many(body.ot_holder);
  const serials = many(body.ot_serial);
  return accounts
    .map((account, i) => ({
      account: account.trim(),
      bank: (banks[i] ?? "").trim(),
      amount: (amounts[i] ?? "").trim(),
      at: ats[i] ?? "",
      holderName: (holders[i] ?? "").trim(),
      serialNo: (serials[i] ?? "").trim(),
    }))
    .filter((r) => r.account !== "" || r.amount !== "");
}

/** Supervisors' urges (督办) are lines of the request's history, in time order. */
function withUrges(db: Parameters<typeof urgeHistory>[0], d: ReturnType<typeof requestDetail>): ReturnType<typeof requestDetail> {
  const urged = urgeHistory(db, d.request.id, d.request.status);
  return urged.length ? { ...d, history: [...d.history, ...urged].sort((a, b) => a.at - b.at) } : d;
}
