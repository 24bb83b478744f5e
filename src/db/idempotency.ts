// A repeated submit creates nothing: API writes carry an Idempotency-Key header, page forms a
// hidden nonce. The first answer is kept per caller and key; a repeat gets it back. An API key
// carries the hash of its request: the same key with a different request is refused (422), never
// answered with the first request's result.
import { createHash } from "node:crypto";
import type { Actor } from "../domain/access";
import { AppError } from "../http/errors";
import { prepared, type Db } from ".";

/** `requestHash`: what the key was sent with (API keys); a form nonce has none. */
export type IdempotencyKey = { principal: string; key: string; requestHash?: string };

/** JSON with object keys sorted: the same body however its keys were ordered. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(`${method.toUpperCase()} ${path}\n${canonical(body)}`).digest("hex");
}

/** The Idempotency-Key of an API write, bound to its caller and to the request it came with. */
export function apiKey(actor: Pick<Actor, "kind" | "id">, key: string | undefined, request: { method: string; path: string; body: unknown }): IdempotencyKey | undefined {
  return key ? { principal: principalOf(actor), key, requestHash: requestHash(request.method, request.path, request.body) } : undefined;
}

/** The key's owner: the same key from two callers is two different requests. */
export function principalOf(actor: Pick<Actor, "kind" | "id">): string {
  return `${actor.kind}:${actor.id}`;
}

/** The first answer to this key; a 422 when the key first came with a different request. */
export function firstAnswer(db: Db, k: IdempotencyKey): { status: number; body: string } | null {
  const row = prepared<{ status: number; body: string; requestHash: string | null }, [string, string]>(
    db,
    `select status, body, request_hash as requestHash from idempotency_keys where principal = ? and key = ?`,
  ).get(k.principal, k.key);
  if (row && row.requestHash && k.requestHash && row.requestHash !== k.requestHash) {
    throw new AppError(422, "idempotency_key_reused", "Idempotency-Key: this key was already used with a different request; use a new key for a new request");
  }
  return row && { status: row.status, body: row.body };
}

/** Call inside the transaction that made the thing, so the key and the thing commit together. */
export function rememberAnswer(db: Db, k: IdempotencyKey, status: number, body: unknown, at: number): void {
  prepared(db, `insert into idempotency_keys (principal, key, status, body, request_hash, created_at) values (?, ?, ?, ?, ?, ?)`).run(
    k.principal,
    k.key,
    status,
    JSON.stringify(body),
    k.requestHash ?? null,
    at,
  );
}

/** A form nonce as the page sent it, when it has the shape we hand out. */
export function formKey(actor: Pick<Actor, "kind" | "id">, nonce: unknown): IdempotencyKey | undefined {
  return typeof nonce === "string" && /^[\w-]{8,64}$/.test(nonce) ? { principal: principalOf(actor), key: `form:${nonce}` } : undefined;
}
