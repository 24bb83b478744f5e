// A sent instruction as its printed notice: read back exactly as it was signed, for whoever may
// see the request (a bank only its own). The view prints it; nothing here renders.
import { eq } from "drizzle-orm";
import type { Db } from "../db";
import { instructions } from "../db/schema";
import { type Actor, institutionScope } from "../domain/access";
import type { DocumentKind } from "../domain/signing";
import { notFound } from "../http/errors";
import { getRequest } from "./read";

/** The signed payload (documents.ts payloadOf), as the notice reads it. */
export type SignedPayload = {
  v: 1;
  documentNo: string;
  documentKind: DocumentKind;
  issuedAt: string;
  issuer: { name: string; short: string };
  request: { id: number; kind: string; level: number; parentDocumentNo?: string };
  institution: { code: string; name: string };
  subject: { kind: "bank_account" | "phone"; value: string; holderName?: string; branch?: string };
  amount?: number;
  term?: string;
  scope?: string;
  includesInterest?: boolean;
  expiresAt?: string;
  transactions?: { at: string; amount: number; payerAccount?: string; payerName?: string; serialNo?: string }[];
  returnTo?: { account: string | null; reason?: string };
  officers: { name: string; badgeNo: string | null }[];
};

export type Notice = {
  requestId: number;
  /** null for a bank or carrier: the case behind it is the center's */
  caseId: number | null;
  id: number;
  documentNo: string;
  keyId: string;
  signature: string;
  payload: SignedPayload;
  /** every instruction of this request, oldest first, to move between them */
  all: { id: number; kind: DocumentKind; documentNo: string }[];
};

/** The notice of one instruction of the request (its first, unless named); 404 when none was sent or it is not the actor's. */
export async function noticeOf(db: Db, actor: Actor, requestId: number, instructionId?: number): Promise<Notice> {
  const r = await getRequest(db, actor, requestId);
  const x = instructions;
  const rows = await db
    .select({
      id: x.id,
      kind: x.kind,
      documentNo: x.documentNo,
      payload: x.payload,
      keyId: x.keyId,
      signature: x.signature,
    })
    .from(x)
    .where(eq(x.requestId, requestId))
    .orderBy(x.id)
    .all();
  const row = instructionId == null ? rows[0] : rows.find((x) => x.id === instructionId);
  if (!row) throw notFound("notice");
  return {
    requestId,
    caseId: institutionScope(actor) === null ? r.caseId : null,
    id: row.id,
    documentNo: row.documentNo,
    keyId: row.keyId,
    signature: row.signature,
    payload: JSON.parse(row.payload) as SignedPayload,
    all: rows.map((x) => ({ id: x.id, kind: x.kind, documentNo: x.documentNo })),
  };
}
