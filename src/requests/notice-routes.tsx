// GET /requests/:id/notice: a sent instruction's printable notice (文书), for whoever may see the
// request — the center, and the bank or carrier it was addressed to (never another's).
import { Hono } from "hono";
import { z } from "zod";
import { NOTICE_TITLE, NoticePage } from "../../views/requests/notice";
import { allow } from "../auth/middleware";
import { institutionScope } from "../domain/access";
import { audit } from "../http/audit";
import type { AppEnv } from "../http/context";
import { notFound } from "../http/errors";
import { idOf } from "../http/query";
import { render } from "../http/render";
import { noticeOf } from "./notices";

const Query = z.object({ doc: z.coerce.number().int().positive().optional() });

export const noticeRoutes = new Hono<AppEnv>().get(
  "/requests/:id{[0-9]+}/notice",
  allow("requests.read"),
  async (c) => {
    const id = idOf(c);
    const q = Query.safeParse(c.req.query());
    if (!q.success) throw notFound("notice");
    const actor = c.var.actor!;
    const n = await noticeOf(c.var.deps.db, actor, id, q.data.doc);
    // a notice names the account holder and the victims' transfers: a view of personal data
    await audit(c, { action: "view", entity: "request", entityId: id, detail: { notice: n.documentNo } });
    const back = institutionScope(actor) === null ? `/requests/${id}` : `/desk/${id}`;
    return render(
      c,
      `${c.var.t("notice.open")} · ${NOTICE_TITLE[n.payload.documentKind]} ${n.documentNo}`,
      <NoticePage t={c.var.t} n={n} back={back} />,
    );
  },
);
