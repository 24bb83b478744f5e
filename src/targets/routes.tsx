// The warning screens (/targets): the queue and "take next", entering a target, one target with
// its contacts, outcomes and follow-ups, and the live streams (queue changes, a call's status).

import { type Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { type DetailProps, TargetDetailPage } from "../../views/targets/detail";
import { TargetFormPage } from "../../views/targets/form";
import { StatusText } from "../../views/targets/parts";
import { QueuePage, QueueTable } from "../../views/targets/queue";
import { allow } from "../auth/middleware";
import { formKey } from "../db/idempotency";
import { can } from "../domain/access";
import { liveStream } from "../events";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { type Issue, notFound, zodIssues } from "../http/errors";
import { putFlash, takeFlash } from "../http/flash";
import { idOf } from "../http/query";
import { type FormErrors, formErrors, render } from "../http/render";
import { urgesOf } from "../supervision/urge";
import {
  ContactForm,
  FollowUpDoneForm,
  FollowUpForm,
  OutcomeForm,
  QueueFilter,
  TargetForm,
  type TargetFormValues,
} from "./schemas";
import {
  addTarget,
  claimNext,
  claimTarget,
  heldNow,
  holds,
  mergesOf,
  queueCounts,
  queuePage,
  releaseTarget,
  viewTarget,
} from "./service";
import {
  type ContactResult,
  completeFollowUp,
  contact,
  followUpsDue,
  followUpsOf,
  getFollowUp,
  getWarning,
  recordOutcome,
  scheduleFollowUp,
  visitsPending,
  warningsOf,
} from "./warnings";

type C = Context<AppEnv>;
const AGENT_PHONE_COOKIE = "fz_agent_phone";

const strings = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<string, string>;

/** The queue's rows (all the live refresh needs). */
async function tableProps(c: C) {
  const { db, clock, config } = c.var.deps;
  const now = clock.now();
  const filter = QueueFilter.parse(c.req.query());
  return { t: c.var.t, now, deadlines: config.warningDeadlineMs, filter, page: await queuePage(db, filter, now) };
}

async function queueProps(c: C, nothingWaiting = false) {
  const db = c.var.deps.db;
  const table = await tableProps(c);
  return {
    ...table,
    csrf: c.var.session?.csrfToken ?? null,
    counts: await queueCounts(db, table.now),
    mine: await heldNow(db, table.now, c.var.actor!),
    worked: await heldNow(db, table.now),
    followUps: await followUpsDue(db),
    visits: await visitsPending(db),
    canWrite: can(c.var.actor!, "targets.write"),
    nothingWaiting,
  };
}

type Extra = Pick<DetailProps, "notice" | "result" | "issues" | "error" | "typed"> &
  Partial<Pick<DetailProps, "agentPhone">>;

/** The target page; every render is a view of personal data and is audited. */
async function detailPage(c: C, id: number, extra: Extra = {}, status: 200 | FormErrors["status"] = 200) {
  const { db, clock, config } = c.var.deps;
  const now = clock.now();
  const actor = c.var.actor!;
  const target = await viewTarget(db, who(c), id);
  return render(
    c,
    `${c.var.t("nav.targets")} #${id}`,
    <TargetDetailPage
      t={c.var.t}
      csrf={c.var.session?.csrfToken ?? null}
      now={now}
      deadlines={config.warningDeadlineMs}
      target={target}
      warnings={await warningsOf(db, id)}
      followUps={await followUpsOf(db, id)}
      merges={await mergesOf(db, id)}
      urges={await urgesOf(db, "target", id)}
      canUrge={actor.role === "supervisor" && target.status === "open" && target.dueAt <= now}
      mine={holds(target, actor, now)}
      canWork={can(actor, "warnings.write")}
      {...extra}
      agentPhone={extra.agentPhone ?? getCookie(c, AGENT_PHONE_COOKIE) ?? ""}
    />,
    status,
  );
}

/** A user's mistake on the target page: shown there, with what went wrong (fields keep what was typed). */
async function refused(c: C, id: number, e: unknown, kept: Extra = {}) {
  const shown = formErrors(c, e);
  if (!shown) throw e;
  return await detailPage(
    c,
    id,
    shown.issues ? { issues: shown.issues, ...kept } : { error: shown.error },
    shown.status,
  );
}

/** After a contact or outcome: back to the page, or the page with what needs the agent's attention. */
/** What a contact led to (a failed call, a case opened), shown once on the page its POST redirected to. */
const CONTACT_FLASH = "targets.contact";
type ContactFlash = { targetId: number; result: NonNullable<Extra["result"]> };

async function afterContact(c: C, id: number, r: ContactResult) {
  // 303 whatever happened: a reload must not place the call or record the outcome again
  if (r.problem || r.caseId !== null)
    await putFlash(c, CONTACT_FLASH, {
      targetId: id,
      result: { problem: r.problem, caseId: r.caseId, stopPaymentId: r.stopPaymentId },
    } satisfies ContactFlash);
  return c.redirect(`/targets/${id}`, 303);
}

function formPage(c: C, values: TargetFormValues, issues?: Issue[]) {
  const page = <TargetFormPage t={c.var.t} csrf={c.var.session?.csrfToken ?? null} values={values} issues={issues} />;
  return render(c, c.var.t("targets.new"), page, issues?.length ? 422 : 200);
}

export const targetsRoutes = new Hono<AppEnv>()
  .use(allow("targets.read"))
  .get("/", async (c) =>
    render(c, c.var.t("targets.queue"), <QueuePage {...(await queueProps(c, c.req.query("none") === "1"))} />),
  )
  .get("/list", async (c) => c.html(<QueueTable {...(await tableProps(c))} />))
  // the queue page refreshes its table when anything in the queue changes
  .get("/events", (c) =>
    liveStream(c, async (live) => {
      // a write racing the browser's disconnect fails; the stream then ends and unsubscribes
      const off = c.var.deps.events.subscribe(
        "queue",
        () => void live.send({ event: "changed", data: "" }).catch(() => {}),
      );
      try {
        await live.closed;
      } finally {
        off();
      }
    }),
  )
  .post("/next", allow("targets.write"), async (c) => {
    const t = await claimNext(c.var.deps, who(c));
    return c.redirect(t ? `/targets/${t.id}` : "/targets?none=1", 303);
  })
  .get("/new", allow("targets.write"), (c) => formPage(c, {}))
  .post("/", allow("targets.write"), async (c) => {
    const values = strings(await c.req.parseBody()) as TargetFormValues;
    const form = TargetForm.safeParse(values);
    if (!form.success) return formPage(c, values, zodIssues(form.error));
    try {
      const r = await addTarget(c.var.deps, who(c), {
        ...form.data,
        amountAtRiskFen: form.data.amountAtRisk,
        source: "manual",
      });
      return c.redirect(`/targets/${r.target.id}?${r.merged ? "merged" : "created"}=1`, 303);
    } catch (e) {
      const shown = formErrors(c, e);
      if (!shown?.issues) throw e;
      return formPage(c, values, shown.issues);
    }
  })
  .get("/:id{[0-9]+}", async (c) => {
    const notice = c.req.query("merged") ? "merged" : c.req.query("created") ? "created" : undefined;
    const contact = await takeFlash<ContactFlash>(c, CONTACT_FLASH);
    return await detailPage(c, idOf(c), { notice, result: contact?.targetId === idOf(c) ? contact.result : undefined });
  })
  .post("/:id{[0-9]+}/claim", allow("targets.write"), async (c) => {
    const id = idOf(c);
    try {
      await claimTarget(c.var.deps, who(c), id);
    } catch (e) {
      return await refused(c, id, e);
    }
    return c.redirect(`/targets/${id}`, 303);
  })
  // the holder's open page keeps the lease alive; closing it (walking away) lets the lease lapse
  .post("/:id{[0-9]+}/renew", allow("targets.write"), async (c) => {
    await claimTarget(c.var.deps, who(c), idOf(c));
    return c.body(null, 204);
  })
  .post("/:id{[0-9]+}/release", allow("targets.write"), async (c) => {
    const id = idOf(c);
    try {
      await releaseTarget(c.var.deps, who(c), id);
    } catch (e) {
      return await refused(c, id, e);
    }
    return c.redirect("/targets", 303);
  })
  .post("/:id{[0-9]+}/contacts", allow("warnings.write"), async (c) => {
    const id = idOf(c);
    const body = strings(await c.req.parseBody());
    const form = ContactForm.safeParse(body);
    // a manual call is recorded with its outcome: it has already happened
    const done = form.success && form.data.channel === "manual_call" ? OutcomeForm.safeParse(body) : null;
    // a refused phone to connect stays in its box as typed
    const kept: Extra = {
      typed: { form: `contact:${body.channel ?? ""}`, values: body },
      ...(body.connectTo !== undefined ? { agentPhone: body.connectTo } : {}),
    };
    if (!form.success) return await detailPage(c, id, { issues: zodIssues(form.error), ...kept }, 422);
    if (done && !done.success) return await detailPage(c, id, { issues: zodIssues(done.error), ...kept }, 422);
    const f = form.data;
    try {
      const r = await contact(
        c.var.deps,
        who(c),
        {
          ...f,
          ...(done?.data ?? {}),
          paidAmountFen: done?.data?.paidAmount,
          targetId: id,
          assignee: f.assignee && f.assigneeKind ? `${f.assigneeKind}:${f.assignee}` : f.assignee,
        },
        formKey(c.var.actor!, body.nonce),
      );
      if (f.connectTo)
        setCookie(c, AGENT_PHONE_COOKIE, f.connectTo, {
          path: "/targets",
          httpOnly: true,
          sameSite: "Lax",
          secure: c.var.deps.config.secureCookies,
          maxAge: 30 * 86_400,
        });
      return await afterContact(c, id, r);
    } catch (e) {
      return await refused(c, id, e, kept);
    }
  })
  .post("/warnings/:wid{[0-9]+}/outcome", allow("warnings.write"), async (c) => {
    const w = await getWarning(c.var.deps.db, idOf(c, "wid"));
    if (!w) throw notFound("warning");
    const body = strings(await c.req.parseBody());
    const form = OutcomeForm.safeParse(body);
    // a refused outcome keeps what was typed (note, amount, account)
    const kept: Extra = { typed: { form: `outcome:${w.id}`, values: body } };
    if (!form.success) return await detailPage(c, w.targetId, { issues: zodIssues(form.error), ...kept }, 422);
    try {
      return await afterContact(
        c,
        w.targetId,
        await recordOutcome(c.var.deps, who(c), w.id, { ...form.data, paidAmountFen: form.data.paidAmount }),
      );
    } catch (e) {
      return await refused(c, w.targetId, e, kept);
    }
  })
  // a call's status, live: the first event is the status now, then each change as Twilio reports it
  .get("/warnings/:wid{[0-9]+}/events", async (c) => {
    const { db, events } = c.var.deps;
    const w = await getWarning(db, idOf(c, "wid"));
    // allow("targets.read") above: agents and supervisors see every target's contacts
    if (!w) throw notFound("warning");
    const html = async (status: string | null) =>
      (await (<StatusText t={c.var.t} status={status} outbox={w.provider === "outbox"} />).toString()) as string;
    const status = w.providerStatus;
    return liveStream(
      c,
      async (live) => {
        const off = events.subscribe(
          `warning:${w.id}`,
          (e) =>
            void html(e.data)
              .then((data) => live.send({ event: "status", data }))
              .catch(() => {}),
        );
        try {
          // a change between the first event and the subscription is not lost
          const now = (await getWarning(db, w.id))!.providerStatus;
          if (now !== status) await live.send({ event: "status", data: await html(now) });
          await live.closed;
        } finally {
          off();
        }
      },
      { first: { event: "status", data: await html(status) } },
    );
  })
  .post("/:id{[0-9]+}/follow-ups", allow("warnings.write"), async (c) => {
    const id = idOf(c);
    const body = strings(await c.req.parseBody());
    const form = FollowUpForm.safeParse(body);
    if (!form.success)
      return await detailPage(
        c,
        id,
        { issues: zodIssues(form.error), typed: { form: "follow-up", values: body } },
        422,
      );
    await scheduleFollowUp(c.var.deps, who(c), id, form.data, formKey(c.var.actor!, body.nonce));
    return c.redirect(`/targets/${id}`, 303);
  })
  .post("/follow-ups/:fid{[0-9]+}", allow("warnings.write"), async (c) => {
    const f = await getFollowUp(c.var.deps.db, idOf(c, "fid"));
    if (!f) throw notFound("follow-up");
    const body = strings(await c.req.parseBody());
    const form = FollowUpDoneForm.safeParse(body);
    const kept: Extra = { typed: { form: `follow-up:${f.id}`, values: body } };
    if (!form.success) return await detailPage(c, f.targetId, { issues: zodIssues(form.error), ...kept }, 422);
    try {
      await completeFollowUp(c.var.deps, who(c), f.id, form.data);
    } catch (e) {
      return await refused(c, f.targetId, e, kept);
    }
    return c.redirect(`/targets/${f.targetId}`, 303);
  });
