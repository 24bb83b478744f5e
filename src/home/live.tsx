// The live stream behind every page's banner (views/live/banner.tsx): what the desks answer,
// onward transfers and their stop-payments, new targets in the queue and supervisors' urges.
// Scoped by who listens: the center (agents, supervisors) hears the "center", "queue" and
// "requests" channels; a desk hears only its own institution's channel, and of it only what is urged.
import type { Context } from "hono";
import { type Banner, LiveBanner } from "../../views/live/banner";
import { institutionScope } from "../domain/access";
import { type CenterEventData, type LiveEvent, liveStream } from "../events";
import type { AppEnv } from "../http/context";
import { AppError } from "../http/errors";
import { pageCtx } from "../http/render";
import { getRequest } from "../requests/read";
import { caseOfRequest, openTargetCount } from "./service";

type C = Context<AppEnv>;

const openTargets = async (c: C) => await openTargetCount(c.var.deps.db);

export async function liveEvents(c: C): Promise<Response> {
  const actor = c.var.actor;
  if (!actor) throw new AppError("unauthenticated", "Sign in");
  const { events } = c.var.deps;
  const { t, lang } = c.var;
  const csrf = pageCtx(c).csrfToken;
  const banner = async (b: Banner): Promise<LiveEvent> => ({
    event: "banner",
    data: await (<LiveBanner t={t} lang={lang} csrf={csrf} b={b} />).toString(),
  });
  const inst = institutionScope(actor);
  const channels: string[] =
    inst != null
      ? [`desk:${inst}`]
      : actor.role === "agent" || actor.role === "supervisor"
        ? ["center", "queue", "requests"]
        : [];
  let known = inst == null && channels.length ? await openTargets(c) : 0;

  const toEvent = async (channel: string, e: LiveEvent): Promise<LiveEvent | null> => {
    // any request moved (sent, drafted, answered): the tiles count again, no banner
    // (its case, so an open case page reloads its part: views/cases/detail.tsx)
    if (channel === "requests") {
      const caseId = await caseOfRequest(c.var.deps.db, Number(e.data));
      return { event: "refresh", data: caseId == null ? "" : String(caseId) };
    }
    if (channel === "queue") {
      // every claim and outcome moves the queue: a banner only when targets were added
      const n = await openTargets(c);
      const added = n - known;
      known = n;
      return added > 0 ? banner({ kind: "targets", added }) : { event: "refresh", data: "" };
    }
    if (e.event === "urged") {
      const d = JSON.parse(e.data) as CenterEventData;
      const what = d.requestId != null ? "request" : "target";
      const id = (d.requestId ?? d.targetId)!;
      const href = what === "request" ? (inst != null ? `/desk/${id}` : `/requests/${id}`) : `/targets/${id}`;
      return banner({ kind: "urged", what, id, by: d.by ?? "", note: d.note ?? null, href });
    }
    if (inst != null) return null; // a desk's own page shows its arrivals and changes
    const d = JSON.parse(e.data) as CenterEventData;
    const r = await getRequest(c.var.deps.db, actor, d.requestId!);
    if (e.event === "answer") return banner({ kind: "answer", r, action: d.action! });
    if (e.event === "onward") return banner({ kind: "onward", r, from: d.from!, sent: !!d.sent });
    return null;
  };

  return liveStream(c, async (live) => {
    let chain = Promise.resolve();
    const offs = channels.map((ch) =>
      events.subscribe(ch, (e) => {
        chain = chain
          .then(async () => {
            const m = await toEvent(ch, e);
            if (m) await live.send(m);
          })
          .catch(() => {});
      }),
    );
    try {
      await live.closed;
    } finally {
      for (const off of offs) off();
    }
  });
}
