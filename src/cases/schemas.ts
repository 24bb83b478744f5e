// What the case API and forms accept and answer. The form is parsed field by field so that every
// mistake on the page is reported at once, next to its field, with what the user typed kept.
import { z } from "../api/openapi";
import type { CaseData } from "../domain/cases";
import { CASE_STATUSES, FRAUD_TYPES } from "../domain/enums";
import { yuanToFen } from "../domain/money";
import { parseShanghaiLocal } from "../domain/time";
import type { Issue } from "../http/errors";
import { Suspect, SuspectKind } from "../suspects/schemas";

const Instant = z.iso.datetime({ offset: true }).openapi({ example: "2026-11-21T10:30:00+08:00" });

const SuspectRow = z.object({
  kind: SuspectKind.optional().openapi({ description: "Detected from the value when omitted" }),
  value: z.string().min(1).max(100),
  holderName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "Bank accounts: the holder's name (户名)" }),
  branch: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ description: "Bank accounts: the opening branch, when known" }),
});

const TransactionRow = z
  .object({
    at: Instant.openapi({ description: "When the victim's money moved" }),
    amount: z.number().int().min(1).max(1e15).openapi({ description: "fen" }),
    account: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "The account that received it (recorded as a suspect of the case)" }),
    payerAccount: z.string().trim().min(1).max(64).optional().openapi({ description: "The victim's paying account" }),
    payerName: z.string().trim().min(1).max(100).optional(),
    serialNo: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "The bank's transaction serial number (交易流水号)" }),
  })
  .openapi("CaseTransaction");

export const CaseInput = z
  .object({
    receivedAt: Instant,
    district: z.string().trim().min(1).max(50),
    fraudType: z.enum(FRAUD_TYPES),
    loss: z.number().int().min(0).max(1e15).openapi({ description: "Loss in fen (分)", example: 1234567 }),
    victim: z.object({
      name: z.string().trim().min(1).max(50),
      phone: z.string().trim().max(40).optional(),
      idNumber: z.string().trim().max(40).optional(),
      age: z.number().int().min(0).max(130).optional(),
    }),
    narrative: z.string().trim().max(10_000).optional(),
    status: z.enum(CASE_STATUSES).default("received"),
    filedAt: Instant.optional().openapi({
      description: "Required for filed and solved cases; defaults to now for status filed",
    }),
    solvedAt: Instant.optional().openapi({ description: "Solved cases only; defaults to now" }),
    suspectsDetained: z.number().int().min(0).max(10_000).default(0),
    suspects: z
      .array(SuspectRow)
      .max(100)
      .default([])
      .openapi({ description: "Recorded (or merged) and linked; one invalid value rejects the whole case" }),
    transactions: z.array(TransactionRow).max(200).default([]).openapi({
      description:
        "The victim's transfers: carried into the level-1 stop-payment and freeze of the receiving account for the bank to check",
    }),
  })
  .openapi("CaseInput");

export function caseDataFromApi(b: z.infer<typeof CaseInput>): CaseData {
  const ms = (s: string | undefined) => (s === undefined ? null : Date.parse(s));
  return {
    receivedAt: Date.parse(b.receivedAt),
    district: b.district,
    fraudType: b.fraudType,
    lossFen: b.loss,
    victim: {
      name: b.victim.name,
      phone: b.victim.phone || null,
      idNumber: b.victim.idNumber || null,
      age: b.victim.age ?? null,
    },
    narrative: b.narrative || null,
    status: b.status,
    filedAt: ms(b.filedAt),
    solvedAt: ms(b.solvedAt),
    suspectsDetained: b.suspectsDetained,
    suspects: b.suspects,
    transactions: b.transactions.map((x) => ({
      at: Date.parse(x.at),
      amountFen: x.amount,
      account: x.account ?? null,
      payerAccount: x.payerAccount ?? null,
      payerName: x.payerName ?? null,
      serialNo: x.serialNo ?? null,
    })),
  };
}

const CaseSuspect = Suspect.extend({
  level: z.number().int().openapi({ description: "Position in the fund flow (1 = received the victim's money)" }),
});

const Case = z
  .object({
    id: z.number().int(),
    receivedAt: z.string(),
    district: z.string(),
    fraudType: z.enum(FRAUD_TYPES),
    loss: z.number().int().openapi({ description: "fen" }),
    victim: z.object({
      name: z.string(),
      phone: z.string().nullable(),
      idNumber: z.string().nullable(),
      age: z.number().int().nullable(),
      masked: z.boolean(),
    }),
    narrative: z.string().nullable(),
    status: z.enum(CASE_STATUSES),
    filedAt: z.string().nullable(),
    solvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    suspectsDetained: z.number().int(),
    createdAt: z.string(),
    suspects: z.array(CaseSuspect),
    transactions: z.array(
      z.object({
        at: z.string(),
        amount: z.number().int(),
        account: z.string().nullable(),
        payerAccount: z.string().nullable(),
        payerName: z.string().nullable(),
        serialNo: z.string().nullable(),
      }),
    ),
  })
  .openapi("Case");

export const CaseEnvelope = z.object({ case: Case }).openapi("CaseEnvelope");

// ---------------------------------------------------------------------------------------------
// Forms

export type FormBody = Record<string, string | File | (string | File)[]>;
const str = (v: unknown) => (typeof v === "string" ? v : "");
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(str);

const shanghaiTime = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (!s) return null;
    const t = parseShanghaiLocal(s);
    if (t === null) ctx.addIssue({ code: "custom", message: "not a date and time" });
    return t;
  });
const required = (max: number) => z.string().trim().min(1, "required").max(max, `at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .transform((s) => s || null);
const count = (max: number) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (!s) return null;
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0 || n > max)
        ctx.addIssue({ code: "custom", message: `a whole number from 0 to ${max}` });
      return n;
    });

/** Each form field and how it is read; names are the paths the service reports issues under. */
const CASE_FIELDS = {
  receivedAt: shanghaiTime.refine((t) => t !== null, "required"),
  fraudType: z.enum(FRAUD_TYPES, "choose a fraud type"),
  district: required(50),
  loss: z.string().transform((s, ctx) => {
    const fen = yuanToFen(s.trim() || "0");
    if (fen === null) ctx.addIssue({ code: "custom", message: "not an amount in yuan, e.g. 12,345.67" });
    return fen;
  }),
  "victim.name": required(50),
  "victim.phone": optionalText(40),
  "victim.idNumber": optionalText(40),
  "victim.age": count(130),
  narrative: optionalText(10_000),
  status: z.preprocess((v) => v || "received", z.enum(CASE_STATUSES, "choose a status")),
  filedAt: shanghaiTime,
  solvedAt: shanghaiTime,
  suspectsDetained: count(10_000),
} as const;

// nonce: one per intake form shown, so a double submit saves one case (see db/idempotency.ts)
export type TransactionValues = {
  at: string;
  amount: string;
  account: string;
  payerAccount: string;
  payerName: string;
  serialNo: string;
};
export type CaseFormValues = Record<keyof typeof CASE_FIELDS, string> & {
  suspects: { kind: string; value: string; holderName?: string; branch?: string }[];
  transactions?: TransactionValues[];
  nonce: string;
};

/**
 * Reads the intake form: every field checked on its own, so one mistake does not hide another.
 * Unreadable fields get a stand-in so the service can still check the rest (suspect rows, victim).
 * Blank suspect rows are dropped; the rest keep their order, so issue `suspects.<i>` is row i.
 */
export function caseFromForm(body: FormBody, now: number): { data: CaseData; issues: Issue[]; values: CaseFormValues } {
  const issues: Issue[] = [];
  const out: Record<string, unknown> = {};
  const values = {} as CaseFormValues;
  for (const [name, schema] of Object.entries(CASE_FIELDS)) {
    const raw = str(body[name]);
    values[name as keyof typeof CASE_FIELDS] = raw;
    const r = (schema as z.ZodType).safeParse(raw);
    if (r.success) out[name] = r.data;
    else issues.push({ path: name, message: r.error.issues[0]?.message ?? "invalid" });
  }
  const kinds = list(body["suspect.kind"]);
  // a re-shown form keeps its nonce: sending it again is still the same case
  values.nonce = /^[\w-]{8,64}$/.test(str(body.nonce)) ? str(body.nonce) : crypto.randomUUID();
  const holders = list(body["suspect.holder"]);
  const branches = list(body["suspect.branch"]);
  values.suspects = list(body["suspect.value"])
    .map((value, i) => ({
      kind: kinds[i] ?? "",
      value: value.trim(),
      holderName: (holders[i] ?? "").trim(),
      branch: (branches[i] ?? "").trim(),
    }))
    .filter((r) => r.value !== "");
  // the victim's transfers: a row with neither time nor amount is left out
  const col = (name: string) => list(body[`tx.${name}`]);
  const [ats, amounts, accounts, payerAccounts, payerNames, serials] = [
    "at",
    "amount",
    "account",
    "payerAccount",
    "payerName",
    "serialNo",
  ].map(col) as [string[], string[], string[], string[], string[], string[]];
  values.transactions = ats
    .map((at, i) => ({
      at: at.trim(),
      amount: (amounts[i] ?? "").trim(),
      account: (accounts[i] ?? "").trim(),
      payerAccount: (payerAccounts[i] ?? "").trim(),
      payerName: (payerNames[i] ?? "").trim(),
      serialNo: (serials[i] ?? "").trim(),
    }))
    .filter((r) => r.amount !== "" || r.account !== "" || r.serialNo !== "");
  const transactions: CaseData["transactions"] = [];
  values.transactions.forEach((r, i) => {
    const at = parseShanghaiLocal(r.at);
    const fen = yuanToFen(r.amount);
    if (at === null) issues.push({ path: `transactions.${i}.at`, message: "not a date and time" });
    if (fen === null || fen <= 0)
      issues.push({ path: `transactions.${i}.amount`, message: "not an amount in yuan, e.g. 12,345.67" });
    if (at !== null && fen !== null && fen > 0) {
      transactions.push({
        at,
        amountFen: fen,
        account: r.account || null,
        payerAccount: r.payerAccount || null,
        payerName: r.payerName || null,
        serialNo: r.serialNo || null,
      });
    }
  });
  const data: CaseData = {
    receivedAt: (out.receivedAt as number | undefined) ?? now,
    district: (out.district as string | undefined) ?? "",
    fraudType: (out.fraudType as CaseData["fraudType"] | undefined) ?? "other",
    lossFen: (out.loss as number | undefined) ?? 0,
    victim: {
      name: (out["victim.name"] as string | undefined) ?? "",
      phone: (out["victim.phone"] as string | null | undefined) ?? null,
      idNumber: (out["victim.idNumber"] as string | null | undefined) ?? null,
      age: (out["victim.age"] as number | null | undefined) ?? null,
    },
    narrative: (out.narrative as string | null | undefined) ?? null,
    status: (out.status as CaseData["status"] | undefined) ?? "received",
    filedAt: (out.filedAt as number | null | undefined) ?? null,
    solvedAt: (out.solvedAt as number | null | undefined) ?? null,
    suspectsDetained: (out.suspectsDetained as number | null | undefined) ?? 0,
    suspects: values.suspects.map((r) => ({
      kind: r.kind === "phone" || r.kind === "bank_account" ? r.kind : undefined,
      value: r.value,
      holderName: r.holderName || undefined,
      branch: r.branch || undefined,
    })),
    transactions,
  };
  return { data, issues, values };
}

export const CaseStatusForm = z.object({
  status: z.enum(CASE_STATUSES, "choose a status"),
  at: shanghaiTime,
  suspectsDetained: count(10_000),
});

export const CaseFilter = z.object({
  status: z.enum(CASE_STATUSES).optional().catch(undefined),
  fraudType: z.enum(FRAUD_TYPES).optional().catch(undefined),
  district: z.string().trim().max(50).optional().catch(undefined),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type CaseFilter = z.infer<typeof CaseFilter>;
