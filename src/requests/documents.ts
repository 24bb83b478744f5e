// The instruments the center sends (文书): every instruction gets its document number (per kind and
// year, from document_counters, inside the send transaction) and the center's Ed25519 signature
// over its canonical JSON; the notice page prints it. Rules and formats live in domain/signing.ts.
import type { AuditWho } from "../audit/service";
import type { Config } from "../config";
import { sql, type AnyColumn } from "drizzle-orm";
import { prepared, type Db } from "../db";
import { instructions } from "../db/schema";
import { canonicalJson, documentKindOf, documentNumber, type Canonical, type DocumentKind } from "../domain/signing";
import { iso, shanghaiDate } from "../domain/time";
import { signBytes } from "./signing";

type T = { db: Db; who: AuditWho; cfg: Pick<Config, "center"> };

/** Columns another part of the request may carry; read when present (the notice shows what there is). */
type RequestRow = Record<string, unknown> & {
  id: number;
  kind: string;
  level: number;
  case_id: number | null;
  suspect_id: number;
  parent_request_id: number | null;
  amount_fen: number | null;
  expires_at: number | null;
  created_by: number | null;
};

export type Officer = { id: number; name: string; badgeNo: string | null };

function officer(db: Db, id: number | null | undefined): Officer | null {
  if (id == null) return null;
  return prepared<Officer, [number]>(db, `select id, display_name as name, badge_no as badgeNo from users where id = ?`).get(id);
}

/**
 * The two officers in charge (承办人): the officer who sends, and the case's officer (who took the
 * case), else the officer who drafted the request; none twice. A token's send names the drafter
 * and the case's officer. A missing second officer leaves a line on the notice to sign by hand.
 */
function officersFor(db: Db, who: AuditWho, r: RequestRow): [number | null, number | null] {
  const sender = who.actor?.kind === "user" ? who.actor.id : null;
  const caseOfficer = r.case_id == null ? null : (prepared<{ by: number | null }, [number]>(db, `select created_by as by from cases where id = ?`).get(r.case_id)?.by ?? null);
  const ids = [...new Set([sender, caseOfficer, r.created_by].filter((x): x is number => x != null))];
  return [ids[0] ?? null, ids[1] ?? null];
}

function pick<T>(row: Record<string, unknown>, ...names: string[]): T | undefined {
  for (const n of names) if (n in row && row[n] != null) return row[n] as T;
  return undefined;
}

/** The transactions being traced, when the request records them (table added with the holder's name). */
function tracedTransactions(db: Db, requestId: number): Record<string, unknown>[] | undefined {
  const table = prepared<{ name: string }, []>(
    db,
    `select name from sqlite_master where type = 'table' and name in ('request_transactions', 'traced_transactions')`,
  ).get();
  if (!table) return undefined;
  const rows = db.$client.query(`select * from ${table.name} where request_id = ? order by id`).all(requestId) as Record<string, unknown>[];
  return rows.length ? rows : undefined;
}

/** What is signed: every field the institution acts on, and nothing of the case behind it. */
function payloadOf(t: T, r: RequestRow, kind: DocumentKind, documentNo: string, officers: (Officer | null)[]): Canonical {
  const db = t.db;
  const s = db.$client.query(`select * from suspects where id = ?`).get(r.suspect_id) as Record<string, unknown>;
  const inst = prepared<{ code: string; nameZh: string }, [number]>(db, `select code, name_zh as nameZh from institutions where id = ?`).get(r.institution_id as number)!;
  const parentDoc =
    r.parent_request_id == null
      ? undefined
      : (prepared<{ no: string }, [number]>(db, `select document_no as no from instructions where request_id = ? order by id limit 1`).get(r.parent_request_id)?.no ?? undefined);
  const returnTo =
    r.kind === "return"
      ? prepared<{ account: string | null; reason: string | null }, [number]>(db, `select to_account as account, to_account_reason as reason from return_shares where return_request_id = ?`).get(r.id)
      : null;
  const txs = tracedTransactions(db, r.id);
  const isFreeze = r.kind === "freeze" || r.kind === "freeze_renewal";
  const includesInterest = pick<number | boolean>(r, "includes_interest");
  return {
    v: 1,
    documentNo,
    documentKind: kind,
    issuedAt: iso(t.who.at),
    issuer: { name: t.cfg.center.name, short: t.cfg.center.short },
    request: { id: r.id, kind: r.kind, level: r.level, parentDocumentNo: parentDoc },
    institution: { code: inst.code, name: inst.nameZh },
    subject: {
      kind: s.kind as string,
      value: s.value as string,
      holderName: pick<string>(r, "holder_name") ?? pick<string>(s, "holder_name"),
      branch: pick<string>(s, "opening_branch", "branch"),
    },
    amount: r.amount_fen ?? undefined,
    term: isFreeze ? pick<string>(r, "term") : undefined,
    scope: isFreeze ? pick<string>(r, "scope") : undefined,
    includesInterest: isFreeze && includesInterest != null ? Boolean(includesInterest) : undefined,
    // a renewal names the new end of the hold
    expiresAt: kind.startsWith("renew_") && r.expires_at != null ? iso(r.expires_at) : undefined,
    transactions: txs?.map((x) => ({
      at: typeof x.at === "number" ? iso(x.at) : (x.at as string),
      amount: x.amount_fen as number,
      payerAccount: (x.payer_account as string | null) ?? undefined,
      payerName: (x.payer_name as string | null) ?? undefined,
      serialNo: (x.serial_no as string | null) ?? undefined,
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
export function issueInstruction(t: T, requestId: number, action: "send" | "renew" | "release"): void {
  const db = t.db;
  const r = db.$client.query(`select * from requests where id = ?`).get(requestId) as RequestRow | null;
  if (!r) return;
  const kind = documentKindOf(r.kind, action);
  if (!kind) return;
  const at = t.who.at;
  const year = Number(shanghaiDate(at).slice(0, 4));
  const { last: seq } = prepared<{ last: number }, [string, number]>(
    db,
    `insert into document_counters (kind, year, last) values (?, ?, 1) on conflict (kind, year) do update set last = last + 1 returning last`,
  ).get(kind, year)!;
  const documentNo = documentNumber(t.cfg.center.short, kind, year, seq);
  const [o1, o2] = officersFor(db, t.who, r);
  const payload = canonicalJson(payloadOf(t, r, kind, documentNo, [officer(db, o1), officer(db, o2)]));
  const { keyId, signature } = signBytes(db, new TextEncoder().encode(payload), at);
  prepared(
    db,
    `insert into instructions (request_id, kind, year, seq, document_no, payload, signature, key_id, officer1_id, officer2_id, issued_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(requestId, kind, year, seq, documentNo, payload, signature, keyId, o1, o2, at);
}

/** For the request's read (read.ts): its instructions, oldest first, as one JSON text. */
export const instructionsJsonOf = (requestId: AnyColumn) =>
  sql<string | null>`(select json_group_array(json_object('id', x.id, 'kind', x.kind, 'documentNo', x.document_no, 'payload', x.payload, 'signature', x.signature, 'keyId', x.key_id, 'issuedAt', x.issued_at))
  from (select * from ${instructions} where ${instructions.requestId} = ${requestId} order by ${instructions.id}) x)`;

export type InstructionRow = { id: number; kind: DocumentKind; documentNo: string; payload: string; signature: string; keyId: string; issuedAt: number };

export function parseInstructions(json: string | null | undefined): InstructionRow[] {
  return json ? (JSON.parse(json) as InstructionRow[]) : [];
}

const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

/**
 * The request JSON's signed instruction: the request's own (its first) at the top level, and
 * every instruction sent for it (renewals, releases) in `instructions`, each verifiable alone.
 */
export function instructionJson(json: string | null | undefined) {
  const all = parseInstructions(json).map((x) => ({ kind: x.kind, documentNo: x.documentNo, issuedAt: iso(x.issuedAt), keyId: x.keyId, signature: x.signature, signedPayload: b64url(x.payload) }));
  const first = all[0];
  return { documentNo: first?.documentNo ?? null, keyId: first?.keyId ?? null, signature: first?.signature ?? null, signedPayload: first?.signedPayload ?? null, instructions: all };
}
