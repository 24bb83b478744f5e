// Supervisors read the audit trail, filtered.
import { Hono } from "hono";
import { z } from "zod";
import { AuditPage } from "../../views/audit/page";
import { allow } from "../auth/middleware";
import { startOfShanghaiDay } from "../domain/time";
import type { AppEnv } from "../http/context";
import { validationError } from "../http/errors";
import { render } from "../http/render";
import { institutionNames, listAudit } from "./service";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD");
const AuditQuery = z.object({
  actor: z.string().trim().max(100).optional(),
  action: z.string().trim().max(50).optional(),
  entity: z.string().trim().max(50).optional(),
  entityId: z.string().trim().max(50).optional(),
  from: day.optional(),
  to: day.optional(),
  before: z.coerce.number().int().positive().optional(),
});

const PAGE = 100;

export const auditRoutes = new Hono<AppEnv>().get("/", allow("audit.read"), async (c) => {
  const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
  const q = AuditQuery.safeParse(raw);
  if (!q.success) throw validationError(q.error);
  const f = q.data;
  const rows = await listAudit(
    c.var.deps.db,
    {
      ...f,
      from: f.from ? startOfShanghaiDay(f.from) : undefined,
      to: f.to ? startOfShanghaiDay(f.to) + 86_400_000 : undefined,
    },
    PAGE,
  );
  const { before: _, ...filter } = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  return render(
    c,
    c.var.t("nav.audit"),
    <AuditPage
      t={c.var.t}
      rows={rows}
      filter={filter}
      institutions={await institutionNames(c.var.deps.db, c.var.lang)}
      nextBefore={rows.length === PAGE ? rows[rows.length - 1]!.id : undefined}
    />,
  );
});
