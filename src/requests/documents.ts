// The instruments the center sends (文书): every instruction gets its document number (per kind and
// year, from document_counters, inside the send transaction) and the center's Ed25519 signature
// over its canonical JSON; the notice page prints it. Rules and formats live in domain/signing.ts.

import { type AnyColumn, eq, sql } from "drizzle-orm";
import type { AuditWho } from "../audit/service";
import type { Config } from "../config";
import { type Db, storedColumns } from "../db";
import { jsonArray } from "../db/dialect";
import {
  cases,
  documentCounters,
  institutions,
  instructions,
  requests,
  requestTransactions,
  returnShares,
  suspects,
  users,
} from "../db/schema";
import { type Canonical, canonicalJson, type DocumentKind, documentKindOf, documentNumber } from "../domain/signing";
import { iso, shanghaiDate } from "../domain/time";
import { signBytes } from "./signing";

type T = { db: Db; who: AuditWho; cfg: Pick<Config, "center"> };

// what the instrument says of its request, the instants as stored (ms)
const requestColumns = storedColumns({
  id: requests.id,
  kind: requests.kind,
  level: requests.level,
  caseId: requests.caseId,
  suspectId: requests.suspectId,
  institutionId: requests.institutionId,
  parentRequestId: requests.parentRequestId,
  amountFen: requests.amountFen,
  holderName: requests.holderName,
  term: requests.term,
  scope: requests.scope,
  includesInterest: requests.includesInterest,
  expiresAt: requests.expiresAt,
  createdBy: requests.createdBy,
});
type RequestRow = { [K in keyof typeof requestColumns]: (typeof requestColumns)[K]["_"]["type"] };

type Officer = { id: number; name: string; badgeNo: string | null };

async function officer(db: Db, id: number | null | undefined): Promise<Officer | null> {
  if (id == null) return null;
  return (
    (await db
      .select({ id: users.id, name: users.displayName, badgeNo: users.badgeNo })
      .from(users)
      .where(eq(users.id, id))
      .get()) ?? null
  );
}

/**
 * The two officers in charge (承办人): the officer who sends, and the case's officer (who took the
 * case), else the officer who drafted the request; none twice. A token's send names the drafter
 * and the case's officer. A missing second officer leaves a line on the notice to sign by hand.
 */
async function officersFor(db: Db, who: AuditWho, r: RequestRow): Promise<[number | null, number | null]> {
  const sender = who.actor?.kind === "user" ? who.actor.id : null;
  const caseOfficer =
    r.caseId == null
      ? null
      : ((await db.select({ by: cases.createdBy }).from(cases).where(eq(cases.id, r.caseId)).get())?.by ?? null);
  const ids = [...new Set([sender, caseOfficer, r.createdBy].filter((x): x is number => x != null))];
  return [ids[0] ?? null, ids[1] ?? null];
}

/** The transactions being traced, in the order they were recorded; none leaves them off the instrument. */
async function tracedTransactions(db: Db, requestId: number) {
  const t = requestTransactions;
  const rows = await db
    .select(
      storedColumns({
        at: t.at,
        amountFen: t.amountFen,
        payerAccount: t.payerAccount,
        payerName: t.payerName,
        serialNo: t.serialNo,
      }),
    )
    .from(t)
    .where(eq(t.requestId, requestId))
    .orderBy(t.id)
    .all();
  return rows.length ? rows : undefined;
}

/** What is signed: every field the institution acts on, and nothing of the case behind it. */
async function payloadOf(
  t: T,
  r: RequestRow,
  kind: DocumentKind,
  documentNo: string,
  officers: (Officer | null)[],
): Promise<Canonical> {
  const db = t.db;
  const s = (await db
    .select({ kind: suspects.kind, value: suspects.value, holderName: suspects.holderName, branch: suspects.branch })
    .from(suspects)
    .where(eq(suspects.id, r.suspectId))
    .get())!;
  const inst = (await db
    .select({ code: institutions.code, nameZh: institutions.nameZh })
    .from(institutions)
    .where(eq(institutions.id, r.institutionId))
    .get())!;
  const parentDoc =
    r.parentRequestId == null
      ? undefined
      : ((
          await db
            .select({ no: instructions.documentNo })
            .from(instructions)
            .where(eq(instructions.requestId, r.parentRequestId))
            .orderBy(instructions.id)
            .limit(1)
            .get()
        )?.no ?? undefined);
  const returnTo =
    r.kind === "return"
      ? await db
          .select({ account: returnShares.toAccount, reason: returnShares.toAccountReason })
          .from(returnShares)
          .where(eq(returnShares.returnRequestId, r.id))
          .get()
      : null;
  const txs = await tracedTransactions(db, r.id);
  const isFreeze = r.kind === "freeze" || r.kind === "freeze_renewal";
  const includesInterest = r.includesInterest;
  return {
    v: 1,
    documentNo,
    documentKind: kind,
    issuedAt: iso(t.who.at),
    issuer: { name: t.cfg.center.name, short: t.cfg.center.short },
    request: { id: r.id, kind: r.kind, level: r.level, parentDocumentNo: parentDoc },
    institution: { code: inst.code, name: inst.nameZh },
    subject: {
      kind: s.kind,
      value: s.value,
      holderName: r.holderName ?? s.holderName ?? undefined,
      branch: s.branch ?? undefined,
    },
    amount: r.amountFen ?? undefined,
    term: isFreeze ? (r.term ?? undefined) : undefined,
    scope: isFreeze ? (r.scope ?? undefined) : undefined,
    includesInterest: isFreeze && includesInterest != null ? Boolean(includesInterest) : undefined,
    // a renewal names the new end of the hold
    expiresAt: kind.startsWith("renew_") && r.expiresAt != null ? iso(r.expiresAt) : undefined,
    transactions: txs?.map((x) => ({
      at: iso(x.at),
      amount: x.amountFen,
      payerAccount: x.payerAccount ?? undefined,
      payerName: x.payerName ?? undefined,
      serialNo: x.serialNo ?? undefined,
    })),
    returnTo: returnTo ? { account: returnTo.account, reason: returnTo.reason ?? undefined } : undefined,
    officers: officers.filter((o): o is Officer => o != null).map((o) => ({ name: o.name, badgeNo: o.badgeNo })),
  };
}

/**
 * Numbers and signs the instruction a center action sends (the request itself, or the renewal or
 * release of a hold), inside the caller's transaction: the counter's upsert hands out the next
 * number of the kind and year, so concurrent sends never share or skip one. The action itself is
 * audited by the caller; the instruction row (never updated) is the record of what was signed.
 */
export async function issueInstruction(t: T, requestId: number, action: "send" | "renew" | "release"): Promise<void> {
  const db = t.db;
  const r: RequestRow | undefined = await db
    .select(requestColumns)
    .from(requests)
    .where(eq(requests.id, requestId))
    .get();
  if (!r) return;
  const kind = documentKindOf(r.kind, action);
  if (!kind) return;
  const at = t.who.at;
  const year = Number(shanghaiDate(at).slice(0, 4));
  const { last: seq } = await db
    .insert(documentCounters)
    .values({ kind, year, last: 1 })
    .onConflictDoUpdate({
      target: [documentCounters.kind, documentCounters.year],
      set: { last: sql`${documentCounters.last} + 1` },
    })
    .returning({ last: documentCounters.last })
    .get();
  const documentNo = documentNumber(t.cfg.center.short, kind, year, seq);
  const [o1, o2] = await officersFor(db, t.who, r);
  const payload = canonicalJson(
    await payloadOf(t, r, kind, documentNo, [await officer(db, o1), await officer(db, o2)]),
  );
  const { keyId, signature } = await signBytes(db, new TextEncoder().encode(payload), at);
  await db
    .insert(instructions)
    .values({
      requestId,
      kind,
      year,
      seq,
      documentNo,
      payload,
      signature,
      keyId,
      officer1Id: o1,
      officer2Id: o2,
      issuedAt: new Date(at),
    })
    .run();
}

/** For the request's read (read.ts): its instructions, oldest first, as one JSON text. */
export const instructionsJsonOf = (requestId: AnyColumn) =>
  jsonArray(
    {
      id: "id",
      kind: "kind",
      documentNo: "document_no",
      payload: "payload",
      signature: "signature",
      keyId: "key_id",
      issuedAt: "issued_at",
    },
    sql`select * from ${instructions} where ${instructions.requestId} = ${requestId} order by ${instructions.id}`,
  );

export type InstructionRow = {
  id: number;
  kind: DocumentKind;
  documentNo: string;
  payload: string;
  signature: string;
  keyId: string;
  issuedAt: number;
};

function parseInstructions(json: string | null | undefined): InstructionRow[] {
  return json ? (JSON.parse(json) as InstructionRow[]) : [];
}

const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/**
 * The request JSON's signed instruction: the request's own (its first) at the top level, and
 * every instruction sent for it (renewals, releases) in `instructions`, each verifiable alone.
 */
export function instructionJson(json: string | null | undefined) {
  const all = parseInstructions(json).map((x) => ({
    kind: x.kind,
    documentNo: x.documentNo,
    issuedAt: iso(x.issuedAt),
    keyId: x.keyId,
    signature: x.signature,
    signedPayload: b64url(x.payload),
  }));
  const first = all[0];
  return {
    documentNo: first?.documentNo ?? null,
    keyId: first?.keyId ?? null,
    signature: first?.signature ?? null,
    signedPayload: first?.signedPayload ?? null,
    instructions: all,
  };
}
