// The desks' pages (/desk…): a bank's or carrier's queue kept live over server-sent events,
// one request and its answer.
import { type Context, Hono } from "hono";
import {
  type AnswerValues,
  DeskRequestPage,
  DeskTitle,
  OnwardRowFields,
  type OnwardValues,
} from "../../views/desk/detail";
import { DeskAlert, DeskPage, DeskQueue } from "../../views/desk/page";
import { allow } from "../auth/middleware";
import { institutionScope } from "../domain/access";
import { who } from "../http/audit";
import type { AppEnv } from "../http/context";
import { AppError, type Issue, zodIssues } from "../http/errors";
import { idOf, SearchQuery } from "../http/query";
import { type FormErrors, formErrors, fragment, pageCtx, render, wantsFragment } from "../http/render";
import { respond } from "../requests/lifecycle";
import { live, many, one, withUrges } from "../requests/pages";
import { actionsFor, getRequest, institutionOptions, requestDetail } from "../requests/read";
import { type OnwardInput, OnwardRow, RespondForm } from "../requests/schemas";
import { acknowledgeOnOpen, deskAnswered, deskQueue } from "./service";

type C = Context<AppEnv>;

export const deskRoutes = new Hono<AppEnv>()
  .get("/", allow("requests.respond"), async (c) => {
    const { db, clock, config } = c.var.deps;
    const actor = c.var.actor!;
    const inst = institutionScope(actor)!;
    const now = clock.now();
    const search = SearchQuery.parse(c.req.query()).q.replace(/\D/g, "");
    const name = (await institutionOptions(db)).find((i) => i.id === inst);
    return render(
      c,
      c.var.t("nav.desk"),
      <DeskPage
        t={c.var.t}
        now={now}
        cfg={config}
        institution={name ? (c.var.lang === "zh" ? name.nameZh : name.nameEn) : "—"}
        q={await deskQueue(db, inst, now)}
        answered={await deskAnswered(db, inst, search || undefined)}
        search={search}
      />,
    );
  })
  .get("/queue", allow("requests.respond"), async (c) => {
    const { db, clock, config } = c.var.deps;
    const now = clock.now();
    c.header("Vary", "HX-Request");
    return c.html(
      <DeskQueue t={c.var.t} now={now} cfg={config} q={await deskQueue(db, institutionScope(c.var.actor!)!, now)} />,
    );
  })
  .get("/events", allow("requests.respond"), (c) => {
    const actor = c.var.actor!;
    const { db } = c.var.deps;
    const t = c.var.t;
    return live(c, `desk:${institutionScope(actor)}`, async (e) => {
      if (e.event !== "arrived") return { event: "changed", data: e.data };
      const r = await getRequest(db, actor, Number(e.data));
      return { event: "arrived", data: await (<DeskAlert t={t} r={r} />).toString() };
    });
  })
  .get("/onward-row", allow("requests.respond"), async (c) =>
    c.html(
      <OnwardRowFields
        t={c.var.t}
        lang={c.var.lang}
        banks={(await institutionOptions(c.var.deps.db)).filter((i) => i.kind === "bank")}
        now={c.var.deps.clock.now()}
      />,
    ),
  )
  // a GET writes nothing (a browser's prefetch must not acknowledge): a sent request's page posts
  // to /open as soon as it has loaded (DeskTitle), which acknowledges it (acknowledgeOnOpen)
  .get(
    "/:id{[0-9]+}",
    allow("requests.respond"),
    async (c) => await deskDetail(c, idOf(c), { answered: c.req.query("answered") === "1" }),
  )
  .post("/:id{[0-9]+}/open", allow("requests.respond"), async (c) => {
    const id = idOf(c);
    const { db, clock, config } = c.var.deps;
    await getRequest(db, c.var.actor!, id); // another institution's request is a 404
    await acknowledgeOnOpen(c.var.deps, who(c), id);
    if (!wantsFragment(c)) return c.redirect(`/desk/${id}`, 303);
    const d = await requestDetail(db, c.var.actor!, id);
    const now = clock.now();
    return fragment(
      c,
      <>
        <DeskTitle t={c.var.t} d={d} now={now} cfg={config} />
        {!actionsFor(d.request, c.var.actor!, now).includes("acknowledge") && <div id="desk-ack" hx-swap-oob="true" />}
      </>,
    );
  })
  .post("/:id{[0-9]+}/respond", allow("requests.respond"), async (c) => {
    const id = idOf(c);
    await getRequest(c.var.deps.db, c.var.actor!, id); // another institution's request is a 404 before anything is read
    const body = await c.req.parseBody({ all: true });
    const values: AnswerValues = {
      amount: one(body.amount),
      balance: one(body.balance),
      reason: one(body.reason),
      reasonCode: one(body.reasonCode),
      onward: onwardValues(body),
    };
    const parsed = RespondForm.safeParse({
      action: one(body.action),
      amount: values.amount,
      balance: values.balance,
      reason: values.reason,
      reasonCode: values.reasonCode,
    });
    const issues: Issue[] = parsed.success ? [] : zodIssues(parsed.error);
    const onward: OnwardInput[] = [];
    values.onward!.forEach((row, i) => {
      const o = OnwardRow.safeParse(row);
      if (o.success)
        onward.push({
          account: o.data.account,
          bank: o.data.bank,
          amountFen: o.data.amount,
          at: o.data.at,
          holderName: o.data.holderName,
          serialNo: o.data.serialNo,
        });
      else
        issues.push(...zodIssues(o.error).map((x) => ({ path: `onwardTransfers.${i}.${x.path}`, message: x.message })));
    });
    if (!parsed.success || issues.length) return await deskDetail(c, id, { issues, values, status: 422 });
    try {
      await respond(c.var.deps, who(c), id, {
        action: parsed.data.action,
        amountFen: parsed.data.amount,
        balanceFen: parsed.data.balance,
        reason: parsed.data.reason,
        // a code belongs to a rejection; the select keeps its value whichever button is pressed
        reasonCode: parsed.data.action === "reject" ? parsed.data.reasonCode : undefined,
        onwardTransfers: onward,
      });
    } catch (e) {
      // "签收" pressed as the page's own acknowledgement on opening (or a colleague's) landed: done already
      if (parsed.data.action === "acknowledge" && e instanceof AppError && e.status === 409)
        return c.redirect(`/desk/${id}`, 303);
      const f = formErrors(c, e);
      if (!f) throw e;
      return await deskDetail(c, id, { ...f, values });
    }
    return c.redirect(`/desk/${id}?answered=1`, 303);
  });

async function deskDetail(
  c: C,
  id: number,
  o: {
    answered?: boolean;
    issues?: Issue[];
    error?: string;
    values?: AnswerValues;
    status?: 200 | FormErrors["status"];
  } = {},
) {
  const { db, clock, config } = c.var.deps;
  const actor = c.var.actor!;
  const now = clock.now();
  const d = await withUrges(db, await requestDetail(db, actor, id));
  return render(
    c,
    `${c.var.t(`requests.kind.${d.request.kind}`)} #${id}`,
    <DeskRequestPage
      t={c.var.t}
      lang={c.var.lang}
      csrf={pageCtx(c).csrfToken}
      d={d}
      actions={actionsFor(d.request, actor, now)}
      banks={(await institutionOptions(db)).filter((i) => i.kind === "bank")}
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
