// What the suspect API and forms accept and answer, as zod schemas (the API's come out in openapi.json).
import { z } from "../api/openapi";
import { RISK_LEVELS, SUSPECT_KINDS, SUSPECT_STATUSES } from "../domain/enums";

const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);

export const SuspectKind = z.enum(SUSPECT_KINDS).openapi({ description: "phone (E.164) or bank_account (digits)" });

export const SuspectInput = z
  .object({
    kind: SuspectKind.optional().openapi({ description: "Detected from the value when omitted" }),
    value: z.string().min(1).max(100).openapi({
      description: "Any written form: +86 138-0013-8000, 0755 8888 8888, 6222 0212 …",
      example: "+86 138-0013-8000",
    }),
    riskLevel: z
      .enum(RISK_LEVELS)
      .optional()
      .openapi({ description: "Raises the stored level, never lowers it; new suspects default to medium" }),
    source: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Where it was reported from; defaults to api:<token name>" }),
    caseId: z.number().int().positive().optional().openapi({ description: "Links the suspect to this case" }),
    note: z.string().trim().max(1000).optional(),
    holderName: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Bank accounts: the holder's name (户名) the bank checks" }),
    branch: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Bank accounts: the opening branch (开户网点), when known" }),
  })
  .openapi("SuspectInput");

export const Suspect = z
  .object({
    id: z.number().int(),
    kind: SuspectKind,
    value: z
      .string()
      .openapi({ description: "Normalised: E.164 for phones, digits for accounts", example: "+8613800138000" }),
    display: z.string().openapi({ example: "138 0013 8000" }),
    institution: z
      .object({
        code: z.string().openapi({ example: "CMCC" }),
        name: z.string(),
        inferred: z
          .boolean()
          .openapi({ description: "From the number's prefix or the card's BIN until the institution confirms" }),
      })
      .nullable(),
    riskLevel: z.enum(RISK_LEVELS),
    status: z.enum(SUSPECT_STATUSES),
    statusReason: z.string().nullable(),
    warnings: z
      .array(z.string())
      .openapi({ description: "e.g. a card number failing the Luhn check (never a rejection)" }),
    firstSeenAt: z.string().openapi({ format: "date-time" }),
    lastSeenAt: z.string().openapi({ format: "date-time" }),
    sightings: z.number().int(),
    holderName: z.string().nullable().openapi({ description: "Bank accounts: the holder's name (户名)" }),
    branch: z.string().nullable().openapi({ description: "Bank accounts: the opening branch" }),
  })
  .openapi("Suspect");

export const SuspectEnvelope = z.object({ suspect: Suspect }).openapi("SuspectEnvelope");

export const SuspectDetail = z
  .object({
    suspect: Suspect,
    sources: z.array(z.object({ source: z.string(), firstAt: z.string() })),
    caseIds: z.array(z.number().int()),
  })
  .openapi("SuspectDetail");

export const LookupQuery = z.object({
  value: z.string().min(1).max(100).openapi({ example: "6222 0212 3456 7890 128" }),
});

export const LookupResult = z
  .object({
    value: z.string().openapi({ description: "The normalised value" }),
    kind: SuspectKind,
    flagged: z.boolean().openapi({ description: "A known suspect that has not been cleared" }),
    suspect: Suspect.optional(),
  })
  .openapi("LookupResult");

export const LookupBatch = z
  .object({
    values: z.array(z.string()).min(1).max(1000).openapi({ description: "Up to 1000 values in any written form" }),
  })
  .openapi("LookupBatch");

export const LookupBatchEntry = z
  .union([
    LookupResult.extend({ input: z.string() }),
    z.object({ input: z.string(), error: z.object({ code: z.literal("invalid_value"), message: z.string() }) }),
  ])
  .openapi("LookupBatchEntry");

// ---------------------------------------------------------------------------------------------
// Forms

export const StatusForm = z.object({
  status: z.enum(SUSPECT_STATUSES),
  reason: z.string().trim().max(500).optional(),
});

/** The paste box's check: the values and how to read them; nothing else, as nothing is recorded. */
export const PasteCheckForm = z.object({
  text: z.string().max(200_000, "too much text: import a file instead"),
  kind: z.preprocess(blankToUndefined, z.enum(SUSPECT_KINDS).optional()),
});

export const PasteForm = z.object({
  text: z.string().max(200_000, "too much text: import a file instead"),
  kind: z.preprocess(blankToUndefined, z.enum(SUSPECT_KINDS).optional()),
  riskLevel: z.preprocess(blankToUndefined, z.enum(RISK_LEVELS).optional()),
  note: z.string().trim().max(1000).optional(),
});
