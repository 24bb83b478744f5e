// A repeated submit makes nothing twice: API writes carry an Idempotency-Key header, page forms a
// hidden nonce. `once` does the work the first time and keeps what it made (e.g. `{ id }`) per
// caller and key; a repeat gets that back and the caller answers from it as it did the first time.
// An API key carries the hash of its request: the same key with a different request is refused
// (422), never answered with the first request's result.
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { type Actor, principalOf } from "../domain/access";
import { AppError } from "../http/errors";
import { atomic, type Db, isTransaction, transaction } from ".";
import { lockKey } from "./dialect";
import { idempotencyKeys } from "./schema";

/** `requestHash`: what the key was sent with (API keys); a form nonce has none. */
export type IdempotencyKey = { principal: string; key: string; requestHash?: string };

/** The connection or the transaction `once` runs in. */
type Writer = Db;

/**
 * Runs `work` once per key: a repeat returns what the first run made (`replayed`) and runs
 * nothing. Call it inside the transaction that makes the thing, so the key and the
 * thing commit together; work that spans several transactions calls it outside any (below).
 * Without a key it simply runs `work`. `T` must survive JSON.
 */
export async function once<T>(
  db: Writer,
  k: IdempotencyKey | undefined,
  work: () => Promise<T>,
): Promise<{ value: T; replayed: boolean }> {
  if (!k) return { value: await work(), replayed: false };
  if (!isTransaction(db)) return await reserved(db, k, work);
  // the same key sent twice at once: the second waits for the first's commit, then replays it
  await lockKey(db, `once:${k.principal}:${k.key}`);
  const row = await db
    .select({ made: idempotencyKeys.made, requestHash: idempotencyKeys.requestHash })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, k.principal), eq(idempotencyKeys.key, k.key)))
    .get();
  if (row) return replay(row, k);
  const value = await work();
  await atomic(
    db,
    async (tx) =>
      await tx
        .insert(idempotencyKeys)
        .values({ principal: k.principal, key: k.key, made: JSON.stringify(value), requestHash: k.requestHash ?? null })
        .run(),
  );
  return { value, replayed: false };
}

function replay<T>(row: { made: string; requestHash: string | null }, k: IdempotencyKey) {
  if (row.requestHash && k.requestHash && row.requestHash !== k.requestHash) {
    throw new AppError(
      "idempotency_key_reused",
      "Idempotency-Key: this key was already used with a different request; use a new key for a new request",
    );
  }
  return { value: JSON.parse(row.made) as T, replayed: true };
}

// Work of several transactions: the key is reserved first in a transaction of its own (`made` empty:
// no JSON), so a repeat arriving meanwhile waits for the first to finish and then replays it; a
// failed first run gives the key up and the waiting repeat runs the work itself.
const PENDING = "";
const WAIT_MS = 25;
const GIVE_UP_MS = 30_000;

async function reserved<T>(db: Writer, k: IdempotencyKey, work: () => Promise<T>) {
  const where = and(eq(idempotencyKeys.principal, k.principal), eq(idempotencyKeys.key, k.key));
  for (const until = Date.now() + GIVE_UP_MS; Date.now() < until; await Bun.sleep(WAIT_MS)) {
    const mine = await transaction(db, async (tx) =>
      tx
        .insert(idempotencyKeys)
        .values({ principal: k.principal, key: k.key, made: PENDING, requestHash: k.requestHash ?? null })
        .onConflictDoNothing()
        .returning({ id: idempotencyKeys.id })
        .get(),
    );
    if (mine) {
      let value: T;
      try {
        value = await work();
      } catch (e) {
        await transaction(
          db,
          async (tx) => await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.id, mine.id)).run(),
        );
        throw e;
      }
      await transaction(
        db,
        async (tx) =>
          await tx
            .update(idempotencyKeys)
            .set({ made: JSON.stringify(value) })
            .where(eq(idempotencyKeys.id, mine.id))
            .run(),
      );
      return { value, replayed: false };
    }
    const row = await db
      .select({ made: idempotencyKeys.made, requestHash: idempotencyKeys.requestHash })
      .from(idempotencyKeys)
      .where(where)
      .get();
    if (row && row.made !== PENDING) return replay<T>(row, k);
  }
  throw new AppError(
    "idempotency_key_busy",
    "Idempotency-Key: the first request with this key is still running; try again",
  );
}

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

function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method.toUpperCase()} ${path}\n${canonical(body)}`)
    .digest("hex");
}

/** The Idempotency-Key of an API write, bound to its caller and to the request it came with. */
export function apiKey(
  actor: Pick<Actor, "kind" | "id">,
  key: string | undefined,
  request: { method: string; path: string; body: unknown },
): IdempotencyKey | undefined {
  return key
    ? { principal: principalOf(actor), key, requestHash: requestHash(request.method, request.path, request.body) }
    : undefined;
}

/** A form nonce as the page sent it, when it has the shape we hand out. */
export function formKey(actor: Pick<Actor, "kind" | "id">, nonce: unknown): IdempotencyKey | undefined {
  return typeof nonce === "string" && /^[\w-]{8,64}$/.test(nonce)
    ? { principal: principalOf(actor), key: `form:${nonce}` }
    : undefined;
}

/** A step of the platform's own work done in several transactions: a retry after a crash finds what the step made. */
export function stepKey(work: string, step: string | number): IdempotencyKey {
  return { principal: work, key: String(step) };
}
