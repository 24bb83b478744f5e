// What a request and a response look like coming in (forms and JSON) and going out (JSON).
import { z } from "@hono/zod-openapi";
import { FREEZE_SCOPES, FREEZE_TERMS, REJECT_CODES, REQUEST_KINDS, REQUEST_STATUSES } from "../domain/enums";
import { yuanToFen } from "../domain/money";
import { type Approval, CREATABLE_KINDS, type FreezeScope, type FreezeTerm, type RejectCode } from "../domain/requests";
import { parseShanghaiLocal } from "../domain/time";
import { SIGNED_FIELDS } from "./signed-schemas";
import type { TransactionInput } from "./transactions";

const RESPONSE_INPUT_ACTIONS = ["acknowledge", "confirm", "partial", "reject", "fail", "appeal"] as const;

const fen = z.number().int().min(0).max(1e15);
const text = (max: number) => z.string().trim().max(max);

// ---------------------------------------------------------------------------------------------
// The service's inputs (already in fen and epoch ms)

export type CreateInput = {
  kind: (typeof REQUEST_KINDS)[number];
  suspectId?: number;
  value?: string;
  institution?: string;
  caseId?: number;
  parentRequestId?: number;
  amountFen?: number;
  note?: string;
  draft?: boolean;
  /** the account holder the bank checks (户名) */
  holderName?: string;
  /** the transactions traced; from the case (level 1), the stop-payment (a freeze) or the onward transfer when omitted */
  transactions?: TransactionInput[];
  term?: FreezeTerm;
  approval?: Approval;
  scope?: FreezeScope;
  includesInterest?: boolean;
};

export type OnwardInput = {
  account: string;
  bank?: string;
  amountFen: number;
  at: number;
  holderName?: string;
  serialNo?: string;
};
export type RespondInput = {
  action: (typeof RESPONSE_INPUT_ACTIONS)[number];
  amountFen?: number;
  balanceFen?: number;
  reason?: string;
  reasonCode?: RejectCode;
  onwardTransfers?: OnwardInput[];
};

/** The center's own actions on a request (the API's /actions and the request page's buttons). */
export type ActionInput = { reason?: string; term?: FreezeTerm; approval?: Approval };

// ---------------------------------------------------------------------------------------------
// JSON API

const IsoInstant = z.iso.datetime({ offset: true });

const TransactionBody = z
  .object({
    at: IsoInstant.openapi({ description: "When the money moved (ISO 8601)", example: "2026-11-21T10:30:00+08:00" }),
    amount: fen.min(1).openapi({ description: "fen" }),
    payerAccount: text(64).min(1).optional(),
    payerName: text(100).min(1).optional(),
    serialNo: text(64).min(1).optional().openapi({ description: "The bank's transaction serial number (交易流水号)" }),
  })
  .openapi("Transaction");

const ApprovalBody = z
  .object({
    by: text(100).min(1).openapi({ description: "Who approved at city level" }),
    at: IsoInstant.openapi({ description: "When it was approved" }),
    ref: text(100).min(1).openapi({ description: "The approval's reference" }),
  })
  .openapi("Approval");

const TermField = z
  .enum(FREEZE_TERMS)
  .openapi({ description: "6m; 12m for a major, complex case with a city-level `approval`" });

export const CreateRequestBody = z
  .object({
    kind: z.enum(CREATABLE_KINDS).openapi({
      description: "freeze_renewal and freeze_release come from the renew and release actions on a freeze",
    }),
    suspectId: z.number().int().positive().optional(),
    value: text(64)
      .min(1)
      .optional()
      .openapi({ description: "A phone number or bank account, in any written form; recorded as a suspect" }),
    institution: text(16)
      .min(1)
      .optional()
      .openapi({ description: "Institution code (ICBC, CMCC, …); inferred from the suspect when omitted" }),
    caseId: z.number().int().positive(),
    parentRequestId: z.number().int().positive().optional().openapi({
      description:
        "For a return, the freeze it draws on; for a freeze, the stop-payment it follows. Inferred when there is exactly one.",
    }),
    amount: fen.optional().openapi({ description: "Amount in fen (分): stop-payments, freezes and returns" }),
    note: text(1000).optional(),
    draft: z.boolean().optional().openapi({ description: "Keep as a draft instead of sending at once" }),
    holderName: text(100)
      .min(1)
      .optional()
      .openapi({ description: "The account holder's name (户名) the bank checks; the suspect's when omitted" }),
    transactions: z.array(TransactionBody).max(100).optional().openapi({
      description:
        "The transactions being traced; when omitted, the case's transfers into the account (level 1), or the stop-payment's (a freeze)",
    }),
    term: TermField.optional().openapi({ description: "Freezes: 6m (default) or 12m with `approval`" }),
    approval: ApprovalBody.optional(),
    scope: z
      .enum(FREEZE_SCOPES)
      .optional()
      .openapi({ description: "Freezes: a sum (`amount`, the default) or the whole `account`" }),
    includesInterest: z
      .boolean()
      .optional()
      .openapi({ description: "Freezes: whether interest is frozen too (default false)" }),
  })
  .refine((b) => (b.suspectId === undefined) !== (b.value === undefined), {
    message: "give exactly one of suspectId and value",
    path: ["suspectId"],
  })
  .openapi("CreateRequest");

const OnwardTransferBody = z.object({
  account: text(64).min(1),
  bank: text(64)
    .optional()
    .openapi({ description: "Code or name of the receiving bank; inferred from the card number when omitted" }),
  amount: fen.openapi({ description: "fen" }),
  at: z.iso.datetime({ offset: true }).openapi({ description: "When the money moved on (ISO 8601)" }),
  holderName: text(100).min(1).optional().openapi({ description: "The receiving account's holder" }),
  serialNo: text(64).min(1).optional().openapi({ description: "The transfer's serial number (交易流水号)" }),
});

export const RespondBody = z
  .object({
    action: z.enum(RESPONSE_INPUT_ACTIONS),
    amount: fen.optional().openapi({ description: "Amount stopped / frozen / returned, in fen" }),
    balance: fen.optional().openapi({ description: "Balance of the account after the action, in fen" }),
    reason: text(1000).optional(),
    reasonCode: z.enum(REJECT_CODES).optional().openapi({
      description:
        "A rejection's reason: name_mismatch (户名不符), no_such_transaction (查无此交易) …; `reason` adds words",
    }),
    onwardTransfers: z.array(OnwardTransferBody).max(50).optional(),
  })
  .openapi("RequestResponse");

const CENTER_ACTIONS = ["send", "discard", "renew", "release"] as const;
export const ActionBody = z
  .object({
    action: z.enum(CENTER_ACTIONS),
    reason: text(500).min(1).optional().openapi({ description: "Why (required to discard)" }),
    term: TermField.optional().openapi({
      description: "renew of a freeze: at most the freeze's own term (default: the same)",
    }),
    approval: ApprovalBody.optional().openapi({ description: "renew for 12m: the city-level approval" }),
  })
  .openapi("RequestAction");

export const ListQuery = z.object({
  status: z.enum(REQUEST_STATUSES).optional(),
  kind: z.enum(REQUEST_KINDS).optional(),
  caseId: z.coerce.number().int().positive().optional(),
  before: z.coerce.number().int().positive().optional().openapi({ description: "Page on: requests with a smaller id" }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const Instant = z.string().nullable();
export const RequestJson = z
  .object({
    id: z.number(),
    kind: z.enum(REQUEST_KINDS),
    status: z.enum(REQUEST_STATUSES),
    level: z.number(),
    caseId: z.number().nullable().openapi({ description: "null for bank and carrier callers" }),
    parentRequestId: z.number().nullable(),
    suspect: z.object({ id: z.number(), kind: z.string(), value: z.string() }),
    institution: z.object({ code: z.string(), name: z.string() }),
    amount: z.number().nullable(),
    doneAmount: z.number().nullable(),
    balance: z.number().nullable(),
    note: z.string().nullable(),
    renewals: z.number(),
    holderName: z.string().nullable().openapi({ description: "The account holder (户名) the bank checks" }),
    transactions: z.array(
      z.object({
        at: z.string(),
        amount: z.number(),
        payerAccount: z.string().nullable(),
        payerName: z.string().nullable(),
        serialNo: z.string().nullable(),
      }),
    ),
    term: z.enum(FREEZE_TERMS).nullable().openapi({ description: "Freezes and their renewals" }),
    approval: z.object({ by: z.string(), at: z.string(), ref: z.string() }).nullable(),
    scope: z.enum(FREEZE_SCOPES).nullable(),
    includesInterest: z.boolean().nullable(),
    light: z.enum(["green", "yellow", "red", "grey"]),
    createdAt: z.string(),
    sentAt: Instant,
    acknowledgedAt: Instant,
    respondedAt: Instant,
    effectiveAt: Instant,
    expiresAt: Instant,
    deadlineAt: Instant,
    escalatedAt: Instant,
    ...SIGNED_FIELDS,
  })
  .openapi("Request");

export const RequestDetailJson = RequestJson.extend({
  responses: z.array(
    z.object({
      action: z.string(),
      from: z.string(),
      to: z.string(),
      amount: z.number().nullable(),
      balance: z.number().nullable(),
      reason: z.string().nullable(),
      reasonCode: z.enum(REJECT_CODES).nullable(),
      by: z.string().nullable(),
      at: z.string(),
    }),
  ),
  onwardTransfers: z.array(
    z.object({
      account: z.string(),
      bank: z.string().nullable(),
      amount: z.number(),
      at: z.string(),
      level: z.number(),
      nextRequestId: z.number().nullable(),
      holderName: z.string().nullable(),
      serialNo: z.string().nullable(),
    }),
  ),
  warnings: z
    .array(z.enum(["onward_exceeds_received"]))
    .openapi({ description: "onward_exceeds_received: the onward transfers add up to more than the account received" }),
}).openapi("RequestDetail");

// ---------------------------------------------------------------------------------------------
// Forms (amounts in yuan, times in Shanghai local time)

function toFen(s: string, ctx: z.RefinementCtx): number {
  const v = yuanToFen(s);
  if (v === null) {
    ctx.addIssue({ code: "custom", message: "not an amount in yuan (e.g. 1234.50)" });
    return z.NEVER;
  }
  return v;
}
const yuan = z
  .string()
  .trim()
  .transform((s, ctx) => (s === "" ? undefined : toFen(s, ctx)));
const optionalId = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (s === "") return undefined;
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n <= 0) {
      ctx.addIssue({ code: "custom", message: "not a record number" });
      return z.NEVER;
    }
    return n;
  });
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === "" ? undefined : s));

const optionalLocalTime = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (s === "") return undefined;
    const v = parseShanghaiLocal(s);
    if (v === null) {
      ctx.addIssue({ code: "custom", message: "enter the date and time" });
      return z.NEVER;
    }
    return v;
  });
const blankTo = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** The freeze's term, and the city-level approval a 12-month term needs (all three fields, or none). */
const termFields = {
  term: blankTo(z.enum(FREEZE_TERMS)),
  approvalBy: optionalText(100).optional(),
  approvalAt: optionalLocalTime.optional(),
  approvalRef: optionalText(100).optional(),
};
type TermFields = { term?: FreezeTerm; approvalBy?: string; approvalAt?: number; approvalRef?: string };
function approvalComplete(b: TermFields, ctx: z.RefinementCtx): void {
  const given = [b.approvalBy, b.approvalAt, b.approvalRef].filter((x) => x !== undefined).length;
  if (given > 0 && given < 3) {
    for (const k of ["approvalBy", "approvalAt", "approvalRef"] as const) {
      if (b[k] === undefined)
        ctx.addIssue({
          code: "custom",
          message: "the approval needs who approved, when, and its reference",
          path: [k],
        });
    }
  }
}
const approvalOf = (b: TermFields): Approval | undefined =>
  b.approvalBy !== undefined && b.approvalAt !== undefined && b.approvalRef !== undefined
    ? { by: b.approvalBy, at: b.approvalAt, ref: b.approvalRef }
    : undefined;

/** Renewing a freeze on its page: the term and approval; discarding and releasing: the reason. */
export const ActionForm = z
  .object({ reason: optionalText(500).optional(), ...termFields })
  .superRefine(approvalComplete)
  .transform((b): ActionInput => ({ reason: b.reason, term: b.term, approval: approvalOf(b) }));

export const CreateForm = z
  .object({
    kind: z.enum(CREATABLE_KINDS),
    suspectId: optionalId.optional(),
    value: optionalText(64).optional(),
    institution: optionalText(16).optional(),
    caseId: optionalId.optional(),
    parentRequestId: optionalId.optional(),
    amount: yuan.optional(),
    note: optionalText(1000).optional(),
    intent: z.enum(["send", "draft"]).default("send"),
    nonce: z.string().min(8).max(64),
    holderName: optionalText(100).optional(),
    ...termFields,
    scope: blankTo(z.enum(FREEZE_SCOPES)),
    includesInterest: z.literal("1").optional(),
  })
  .superRefine(approvalComplete)
  .refine((b) => b.suspectId !== undefined || b.value !== undefined, {
    message: "enter the number or account",
    path: ["value"],
  });

export function createInputFromForm(f: z.output<typeof CreateForm>): CreateInput {
  return {
    kind: f.kind,
    suspectId: f.suspectId,
    value: f.suspectId === undefined ? f.value : undefined,
    institution: f.institution,
    caseId: f.caseId,
    parentRequestId: f.parentRequestId,
    amountFen: f.amount,
    note: f.note,
    draft: f.intent === "draft",
    holderName: f.holderName,
    // the form shows the freeze fields for every kind: they count for a freeze only
    ...(f.kind === "freeze" && {
      term: f.term,
      approval: approvalOf(f),
      scope: f.scope,
      includesInterest: f.includesInterest === "1",
    }),
  };
}

export const RespondForm = z.object({
  action: z.enum(RESPONSE_INPUT_ACTIONS),
  amount: yuan.optional(),
  balance: yuan.optional(),
  reason: optionalText(1000).optional(),
  reasonCode: blankTo(z.enum(REJECT_CODES)),
});

/** One onward-transfer row of the desk form; rows left empty are skipped. */
export const OnwardRow = z.object({
  account: z.string().trim().min(1, "enter the account").max(64),
  bank: optionalText(64).optional(),
  holderName: optionalText(100).optional(),
  serialNo: optionalText(64).optional(),
  amount: z.string().trim().min(1, "enter the amount").transform(toFen),
  at: z.string().transform((s, ctx) => {
    const v = parseShanghaiLocal(s.trim());
    if (v === null) {
      ctx.addIssue({ code: "custom", message: "enter the date and time" });
      return z.NEVER;
    }
    return v;
  }),
});

/** The list page's filters; a filter that does not parse is ignored, not an error page. */
export const ListPageQuery = z.object({
  status: z.enum(REQUEST_STATUSES).optional().catch(undefined),
  kind: z.enum(REQUEST_KINDS).optional().catch(undefined),
  institution: z
    .string()
    .trim()
    .max(16)
    .optional()
    .catch(undefined)
    .transform((s) => s || undefined),
  caseId: z.coerce.number().int().positive().optional().catch(undefined),
  overdue: z.literal("1").optional().catch(undefined).transform(Boolean),
  expiring: z.literal("1").optional().catch(undefined).transform(Boolean),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

/** What the new-request form may be opened with (links from a suspect, a case, a request). */
export const NewFormQuery = z.object({
  kind: z.enum(REQUEST_KINDS).optional().catch(undefined),
  suspectId: z.coerce.number().int().positive().optional().catch(undefined),
  caseId: z.string().regex(/^\d+$/).optional().catch(undefined),
  parentRequestId: z.string().regex(/^\d+$/).optional().catch(undefined),
  institution: z.string().max(16).optional().catch(undefined),
  amount: z.string().max(20).optional().catch(undefined),
  value: z.string().max(64).optional().catch(undefined),
});

/** The institution picker's refresh as the agent types the value (the create form's own fields, bounded). */
export const InstitutionQuery = z.object({
  value: z.string().trim().max(64).default(""),
  institution: z.string().trim().toUpperCase().max(10).optional(),
});

/** Discarding a draft: why it is not sent stays on its history. */
export const DiscardForm = z.object({ reason: z.string().trim().min(1, "give the reason").max(500) });
