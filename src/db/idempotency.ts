// A repeated submit creates nothing: API writes carry an Idempotency-Key header, page forms a
// hidden nonce. The first answer is kept per caller and key; a repeat gets it back.
import type { Actor } from "../domain/access";
import { prepared, type Db } from ".";

export type IdempotencyKey = { principal: string; key: string };

/** The key's owner: the same key from two callers is two different requests. */
export function principalOf(actor: Pick<Actor, "kind" | "id">): string {
  return `${actor.kind}:${actor.id}`;
}

export function firstAnswer(db: Db, k: IdempotencyKey): { status: number; body: string } | null {
  return prepared<{ status: number; body: string }, [string, string]>(db, `select status, body from idempotency_keys where principal = ? and key = ?`).get(k.principal, k.key);
}

/** Call inside the transaction that made the thing, so the key and the thing commit together. */
export function rememberAnswer(db: Db, k: IdempotencyKey, status: number, body: unknown, at: number): void {
  prepared(db, `insert into idempotency_keys (principal, key, status, body, created_at) values (?, ?, ?, ?, ?)`).run(k.principal, k.key, status, JSON.stringify(body), at);
}

/** A form nonce as the page sent it, when it has the shape we hand out. */
export function formKey(actor: Pick<Actor, "kind" | "id">, nonce: unknown): IdempotencyKey | undefined {
  return typeof nonce === "string" && /^[\w-]{8,64}$/.test(nonce) ? { principal: principalOf(actor), key: `form:${nonce}` } : undefined;
}
