// Bulk import of targets (高危潜在受骗群众) from CSV/XLSX through the import engine: rows are
// checked in the reader thread and recorded here one by one with the same intake as the API and
// the form (addTargetIn: a phone with an open target merges into it), each audited, so a merge
// shows on the target's timeline. Every row ends imported, merged or rejected with its reason.
import { eq } from "drizzle-orm";
import type { AuditWho } from "../audit/service";
import type { Db } from "../db";
import { inOrder, transaction } from "../db";
import { users } from "../db/schema";
import type { Actor } from "../domain/access";
import { yuanToFen } from "../domain/money";
import type { Grade } from "../domain/queue";
import { inSuspectColumn, refuse } from "../domain/reasons";
import { riskFromWord } from "../domain/suspect-merge";
import { AppError } from "../http/errors";
import { defineImport, type Outcome, rejectedBy } from "../imports/handler";
import { addTargetIn, checkTarget, type NewTarget, type TargetReason } from "./service";

const REASON_WORDS = new Map<string, TargetReason>();
for (const [reason, words] of [
  [
    "contacted_by",
    ["contacted_by", "contacted", "call", "被联系", "被涉诈号码联系", "来电", "涉诈来电", "接到诈骗电话"],
  ],
  ["paying_to", ["paying_to", "paying", "payment", "转账", "汇款", "向涉诈账户转账", "支付"]],
  ["other", ["other", "其他", "其它"]],
] as const) {
  for (const w of words) REASON_WORDS.set(w.toLowerCase(), reason);
}

/** A checked row, plain data (it crosses from the reader thread). */
type Row = Omit<NewTarget, "source" | "origin">;

const text = (s: string | undefined) => s?.trim() || null;

const actors = new WeakMap<Db, Map<number, Actor>>();
/** The uploader, for the audit entry each row leaves. */
async function uploader(db: Db, userId: number | null): Promise<Actor | null> {
  if (userId === null) return null;
  let byId = actors.get(db);
  if (!byId) {
    byId = new Map();
    actors.set(db, byId);
  }
  let a = byId.get(userId);
  if (!a) {
    const u = await db
      .select({ username: users.username, role: users.role, institutionId: users.institutionId })
      .from(users)
      .where(eq(users.id, userId))
      .get();
    if (!u) return null;
    a = { kind: "user", id: userId, name: u.username, role: u.role, institutionId: u.institutionId };
    byId.set(userId, a);
  }
  return a;
}

export const targetsImport = defineImport<Row>({
  kind: "targets",
  permission: "targets.write",
  columns: [
    {
      key: "phone",
      required: true,
      aliases: ["电话", "手机", "手机号", "手机号码", "电话号码", "联系电话", "号码", "mobile", "phone number"],
    },
    {
      key: "grade",
      required: true,
      aliases: ["风险等级", "等级", "风险", "预警等级", "riskGrade", "risk_grade", "risk", "level"],
    },
    { key: "name", aliases: ["姓名", "名字", "对象姓名", "name"] },
    { key: "district", aliases: ["辖区", "区县", "地区", "区域", "派出所辖区", "district"] },
    { key: "age", aliases: ["年龄", "age"] },
    { key: "reason", aliases: ["预警原因", "原因", "类型", "reason"] },
    {
      key: "suspect",
      aliases: [
        "涉诈号码",
        "涉诈账户",
        "涉诈号码/账户",
        "关联号码",
        "关联账户",
        "对方号码",
        "对方账户",
        "suspect",
        "suspectValue",
      ],
    },
    { key: "amount", aliases: ["涉险金额", "金额", "转账金额", "涉险金额(元)", "amount", "amountAtRisk"] },
    { key: "note", aliases: ["备注", "说明", "原因说明", "note", "reasonNote", "remark"] },
  ],

  prepare(row) {
    const phone = row.phone?.trim() ?? "";
    if (!phone) return rejectedBy(refuse("import.phone_empty"));
    const grade = riskFromWord(row.grade);
    if (!grade.ok) return rejectedBy(grade);
    if (!grade.value) return rejectedBy(refuse("import.grade_empty"));
    let reason: TargetReason | null = null;
    if (text(row.reason)) {
      reason = REASON_WORDS.get(row.reason!.trim().toLowerCase()) ?? null;
      if (!reason) return rejectedBy(refuse("import.unknown_reason", { word: row.reason!.trim() }));
    }
    let age: number | null = null;
    if (text(row.age)) {
      age = Number(row.age!.trim());
      if (!Number.isInteger(age) || age < 0 || age > 130)
        return rejectedBy(refuse("import.bad_age", { word: row.age!.trim() }));
    }
    let amountAtRiskFen: number | null = null;
    if (text(row.amount)) {
      amountAtRiskFen = yuanToFen(row.amount!);
      if (amountAtRiskFen === null) return rejectedBy(refuse("import.bad_amount", { word: row.amount!.trim() }));
    }
    const checked = checkTarget({ phone, reason, suspectValue: text(row.suspect) });
    // one reason per row: the phone's, else the suspect's, said of its column
    const issue = checked.issues.find((i) => i.path === "phone") ?? checked.issues[0];
    if (issue?.code && issue.path !== "phone") return rejectedBy(inSuspectColumn(issue.code, issue.params));
    if (issue) return { rejected: issue.message, code: issue.code, params: issue.params };
    return {
      phone: checked.checked.phone,
      riskGrade: grade.value as Grade,
      name: text(row.name),
      district: text(row.district),
      age,
      reason: checked.checked.reason,
      reasonNote: text(row.note),
      suspectValue: checked.checked.suspect?.value ?? null,
      amountAtRiskFen,
    };
  },

  async handleBatch(rows, ctx) {
    const who: AuditWho = { actor: await uploader(ctx.db, ctx.userId), ip: null, at: ctx.at };
    const origin = `import:${ctx.importId}`;
    return await inOrder(rows, async (r): Promise<Outcome> => {
      try {
        return (
          await transaction(
            ctx.tx,
            async (sp) => await addTargetIn(sp, who, { ...r, source: "import", origin }, ctx.config.warningDeadlineMs),
          )
        ).merged
          ? "merged"
          : "imported";
      } catch (e) {
        // checked in prepare; a row the intake still refuses is that row's rejection
        // its coded refusal (e.g. a district not on the list), so the report reads in the reader's language
        if (e instanceof AppError)
          return { rejected: e.issues[0]?.message ?? e.message, code: e.issues[0]?.code, params: e.issues[0]?.params };
        throw e;
      }
    });
  },
});
