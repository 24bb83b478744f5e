// What the targets API and the warning-work forms accept and answer, as zod schemas
// (the API's come out in openapi.json). Money in the API is integer fen; forms take yuan.
import { z } from "../api/openapi";
import {
  FOLLOW_UP_OUTCOMES,
  FRAUD_TYPES,
  RISK_LEVELS,
  TARGET_REASONS,
  TARGET_SOURCES,
  WARNING_CHANNELS,
  WARNING_OUTCOMES,
} from "../domain/enums";
import { yuanToFen } from "../domain/money";
import { parseShanghaiLocal } from "../domain/time";

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);
const fen = z.number().int().min(0).max(1e15);

// ---------------------------------------------------------------------------------------------
// API

export const TargetInput = z
  .object({
    phone: text(40)
      .min(1, "required")
      .openapi({ description: "Any written form; stored as E.164", example: "138 0013 8000" }),
    riskGrade: z.enum(RISK_LEVELS),
    name: text(50).nullish(),
    district: text(50).nullish(),
    age: z.number().int().min(0).max(130).nullish(),
    reason: z.enum(TARGET_REASONS).nullish().openapi({
      description: "contacted_by a suspect number, paying_to a suspect account, or other; defaults from suspectValue",
    }),
    reasonNote: text(500).nullish(),
    suspectValue: text(100).nullish().openapi({
      description: "The suspect number or account behind the reason; recorded as a suspect (found or created)",
    }),
    amountAtRisk: fen.nullish().openapi({ description: "Fen" }),
    source: z.enum(TARGET_SOURCES).nullish().openapi({ description: "Defaults to feed for the API" }),
  })
  .openapi("TargetInput");
export type TargetInputBody = z.output<typeof TargetInput>;

export const TargetBatch = z
  .object({
    targets: z
      .array(z.unknown().openapi({ description: "A TargetInput; an invalid one gets its own error entry" }))
      .min(1)
      .max(1000),
  })
  .openapi("TargetBatch");

export const Target = z
  .object({
    id: z.number().int(),
    phone: z.string().openapi({ example: "+8613800138000" }),
    name: z.string().nullable(),
    district: z.string().nullable(),
    age: z.number().int().nullable(),
    reason: z.enum(TARGET_REASONS),
    reasonNote: z.string().nullable(),
    suspect: z.object({ id: z.number().int(), kind: z.enum(["phone", "bank_account"]), value: z.string() }).nullable(),
    riskGrade: z.enum(RISK_LEVELS),
    source: z.enum(TARGET_SOURCES),
    amountAtRisk: z.number().int().nullable().openapi({ description: "Fen" }),
    status: z.enum(["open", "closed"]),
    outcome: z.enum(WARNING_OUTCOMES).nullable(),
    light: z
      .enum(["green", "yellow", "red", "grey"])
      .openapi({ description: "Traffic light against the grade's deadline" }),
    availableAt: z
      .string()
      .openapi({ format: "date-time", description: "In the queue from (later after an unreachable call)" }),
    dueAt: z.string().openapi({ format: "date-time" }),
    claimedBy: z.string().nullable().openapi({ description: "Who holds the claim while its lease runs" }),
    leaseExpiresAt: z.string().nullable().openapi({ format: "date-time" }),
    closedAt: z.string().nullable().openapi({ format: "date-time" }),
    caseId: z.number().int().nullable(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Target");

export const TargetEnvelope = z.object({ target: Target, merged: z.boolean() }).openapi("TargetEnvelope");

export const TargetBatchEntry = z
  .union([
    TargetEnvelope,
    z.object({
      error: z.object({
        code: z.string(),
        message: z.string(),
        issues: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    }),
  ])
  .openapi("TargetBatchEntry");

export const WarningInput = z
  .object({
    targetId: z.number().int().positive(),
    channel: z.enum(WARNING_CHANNELS),
    outcome: z.enum(WARNING_OUTCOMES).nullish().openapi({
      description:
        "With an outcome the contact is recorded as done; without, a call or SMS is placed (Twilio, or the local outbox)",
    }),
    note: text(1000).nullish(),
    connectTo: text(40).nullish().openapi({
      description: "call: bridge the target to this phone (the agent's own) instead of reading the warning",
    }),
    message: text(500)
      .nullish()
      .openapi({ description: "call/sms: the Mandarin text read or sent; the standard warning when omitted" }),
    assignee: text(100).nullish().openapi({ description: "visit: the police station or grid worker who goes" }),
    scheduledAt: z.iso.datetime({ offset: true }).nullish().openapi({ description: "visit: when" }),
    paidAmount: fen.nullish().openapi({ description: "already_paid: fen paid (defaults to the amount at risk)" }),
    paidTo: text(100)
      .nullish()
      .openapi({ description: "already_paid: the account paid to, when not the target's suspect" }),
    fraudType: z
      .enum(FRAUD_TYPES)
      .nullish()
      .openapi({ description: "already_paid: the case's fraud type (default other)" }),
  })
  .openapi("WarningInput");

export const Warning = z
  .object({
    id: z.number().int(),
    targetId: z.number().int(),
    channel: z.enum(WARNING_CHANNELS),
    outcome: z.enum(WARNING_OUTCOMES).nullable(),
    note: z.string().nullable(),
    providerSid: z.string().nullable(),
    providerStatus: z
      .string()
      .nullable()
      .openapi({ description: "queued, ringing, completed, delivered … (failed when the provider refused)" }),
    provider: z
      .enum(["twilio", "outbox"])
      .nullable()
      .openapi({ description: "outbox: nothing was sent (no Twilio credentials)" }),
    assignee: z.string().nullable(),
    scheduledAt: z.string().nullable(),
    agent: z.string().nullable(),
    createdAt: z.string(),
    caseId: z.number().int().nullable().openapi({ description: "already_paid: the case opened" }),
    stopPaymentId: z.number().int().nullable().openapi({ description: "already_paid: the draft stop-payment" }),
    problem: z
      .string()
      .nullable()
      .openapi({ description: "What could not be done (the provider refused the call, no bank to stop payment at …)" }),
  })
  .openapi("Warning");

// ---------------------------------------------------------------------------------------------
// Forms (strings in, checked values out)

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalText = (max: number) => z.preprocess(blank, text(max).optional());
const yuan = z.preprocess(
  blank,
  z
    .string()
    .transform((s, ctx) => {
      const v = yuanToFen(s);
      if (v === null) ctx.addIssue({ code: "custom", message: "not an amount in yuan, e.g. 12,345.67" });
      return v ?? 0;
    })
    .optional(),
);
const localTime = z.string().transform((s, ctx) => {
  const v = parseShanghaiLocal(s.trim());
  if (v === null) ctx.addIssue({ code: "custom", message: "not a date and time" });
  return v ?? 0;
});

export const TargetForm = z.object({
  phone: text(40).min(1, "required"),
  riskGrade: z.enum(RISK_LEVELS, "choose a grade"),
  name: optionalText(50),
  district: optionalText(50),
  age: z.preprocess(blank, z.coerce.number().int("a whole number").min(0).max(130).optional()),
  reason: z.preprocess(blank, z.enum(TARGET_REASONS).optional()),
  reasonNote: optionalText(500),
  suspectValue: optionalText(100),
  amountAtRisk: yuan,
});
export type TargetFormValues = Partial<Record<keyof z.input<typeof TargetForm>, string>>;

export const ContactForm = z.object({
  channel: z.enum(WARNING_CHANNELS),
  connectTo: optionalText(40),
  message: optionalText(500),
  assigneeKind: z.preprocess(blank, z.enum(["police_station", "grid_worker"]).optional()),
  assignee: optionalText(100),
  scheduledAt: z.preprocess(blank, localTime.optional()),
  note: optionalText(1000),
});

export const OutcomeForm = z.object({
  outcome: z.enum(WARNING_OUTCOMES, "choose an outcome"),
  note: optionalText(1000),
  paidAmount: yuan,
  paidTo: optionalText(100),
  fraudType: z.preprocess(blank, z.enum(FRAUD_TYPES).optional()),
  followUpAt: z.preprocess(blank, localTime.optional()),
});

export const FollowUpForm = z.object({ dueAt: localTime, note: optionalText(1000) });
export const FollowUpDoneForm = z.object({
  outcome: z.enum(FOLLOW_UP_OUTCOMES, "choose a result"),
  note: optionalText(1000),
});

export const QueueFilter = z.object({
  grade: z.preprocess(blank, z.enum(RISK_LEVELS).optional()).catch(undefined),
  overdue: z.preprocess((v) => v === "1", z.boolean()).catch(false),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type QueueFilter = z.output<typeof QueueFilter>;
