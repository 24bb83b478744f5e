// Users, sessions, sign-in throttling and API tokens.
import { and, count, eq, gt, isNull, type SQL } from "drizzle-orm";
import { atomic, type Conn, type Db, stored, transaction } from "../db";
import { lockKey } from "../db/dialect";
import { apiTokens, institutions, privilegeGrants, sessions, signInAttempts, users } from "../db/schema";
import { type Actor, needsApproval, requiresInstitution } from "../domain/access";
import type { Role } from "../domain/enums";
import { refuse } from "../domain/reasons";
import { type EventBus, RELISTENED } from "../events";
import { refused } from "../http/errors";
import { weakPassword } from "./passwords";

function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

function sha256(s: string): string {
  return new Bun.CryptoHasher("sha256").update(s).digest("hex");
}

/** A user or token the admin (screen or CLI) asked for that cannot be: an invalid form, its refusal says why. */
export const userInput = (...r: Parameters<typeof refuse>) => refused("invalid_input", refuse(...r));

async function institutionIdFor(db: Db, role: Role, code: string | undefined): Promise<number | null> {
  if (!requiresInstitution(role)) {
    if (code) throw userInput("user.no_institution_for_role", { role });
    return null;
  }
  if (!code) throw userInput("user.needs_institution", { role });
  const inst = await db.select().from(institutions).where(eq(institutions.code, code.toUpperCase())).get();
  if (!inst) throw userInput("user.unknown_institution", { code });
  const wanted = role === "bank" ? "bank" : "carrier";
  if (inst.kind !== wanted) throw userInput("user.wrong_institution_kind", { code, kind: inst.kind, wanted });
  return inst.id;
}

/** Who asked on the admin screen: a supervisor or admin they ask for waits for a supervisor's approval. */
export type Requester = { actor: Actor; at: number };

async function requestGrant(
  db: Pick<Db, "insert">,
  subject: "user" | "api_token",
  subjectId: number,
  role: Role,
  by: Requester,
) {
  await db
    .insert(privilegeGrants)
    .values({ subject, subjectId, role, requestedBy: by.actor.id, requestedAt: new Date(by.at) })
    .run();
}

export async function createUser(
  db: Db,
  u: { username: string; password: string; role: Role; institution?: string; displayName?: string },
  requestedBy?: Requester,
) {
  if (u.password.length < 8) throw userInput("user.short_password");
  if (!/^[a-z0-9_.-]{2,40}$/i.test(u.username)) throw userInput("user.bad_username");
  const weak = weakPassword(u.password, [u.username, u.displayName]);
  if (weak) throw userInput("user.weak_password", { why: weak });
  if (await db.select({ id: users.id }).from(users).where(eq(users.username, u.username)).get())
    throw userInput("user.exists", { username: u.username });
  const institutionId = await institutionIdFor(db, u.role, u.institution);
  const passwordHash = await Bun.password.hash(u.password);
  const pending = !!requestedBy && needsApproval(u.role);
  return await transaction(db, async (tx) => {
    const user = await tx
      .insert(users)
      .values({
        username: u.username,
        displayName: u.displayName ?? u.username,
        passwordHash,
        role: u.role,
        institutionId,
        approval: pending ? "pending" : null,
      })
      .returning()
      .get();
    if (pending) await requestGrant(tx, "user", user.id, u.role, requestedBy);
    return user;
  });
}

export async function createToken(
  db: Db,
  t: { name: string; role: Role; institution?: string },
  requestedBy?: Requester,
): Promise<{ token: string; id: number; pending: boolean }> {
  const institutionId = await institutionIdFor(db, t.role, t.institution);
  const token = `fz_${randomToken()}`;
  const pending = !!requestedBy && needsApproval(t.role);
  return await transaction(db, async (tx) => {
    const row = await tx
      .insert(apiTokens)
      .values({
        name: t.name,
        tokenHash: sha256(token),
        role: t.role,
        institutionId,
        approval: pending ? "pending" : null,
      })
      .returning()
      .get();
    if (pending) await requestGrant(tx, "api_token", row.id, t.role, requestedBy);
    return { token, id: row.id, pending };
  });
}

// Every API request resolves its token, so a resolved token is kept for TOKEN_CACHE_MS (keyed by
// its hash): a database read per request cost more than the lookup it guards. A revocation (the
// admin screen) is announced on the event bus: every node sharing the database forgets its cache at
// once (README: Several nodes); one written past the bus (SQL by hand) takes effect within
// TOKEN_CACHE_MS. The last-use time is written at minute granularity.
export const TOKEN_CACHE_MS = 5_000;
const LAST_USE_GRANULARITY_MS = 60_000;
type Resolved = { actor: Actor; lastUsedAt: number | null; readAt: number };
/**
 * `generation` counts the forgettings: a read begun before one is not kept after it. While it keeps
 * tokens the cache listens for revocations (`events`, `off`); TOKEN_CACHE_MS after its last read it
 * forgets them and stops (on PostgreSQL a node then holds no listening connection for it).
 */
type TokenCache = {
  byHash: Map<string, Resolved>;
  generation: number;
  events: EventBus | null;
  off: (() => void) | null;
  filledAt: number;
};
const resolvedTokens = new WeakMap<Db, TokenCache>();
const MAX_RESOLVED = 10_000; // only valid tokens are kept; a bound all the same

/** The channel a revocation is announced on, to every node. */
const TOKENS_CHANNEL = "tokens";

export async function actorForToken(db: Db, token: string, now: number): Promise<Actor | null> {
  const hash = sha256(token);
  const tokens = cacheOf(db);
  const cache = tokens.byHash;
  const generation = tokens.generation;
  let r = cache.get(hash);
  if (!r || now - r.readAt >= TOKEN_CACHE_MS || now < r.readAt) {
    const row = await db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        role: apiTokens.role,
        institutionId: apiTokens.institutionId,
        lastUsedAt: stored(apiTokens.lastUsedAt),
      })
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt), isNull(apiTokens.approval)))
      .get();
    if (!row) {
      cache.delete(hash);
      return null;
    }
    if (cache.size >= MAX_RESOLVED) cache.clear();
    const actor: Actor = Object.freeze({
      kind: "token",
      id: row.id,
      name: `token:${row.name}`,
      role: row.role,
      institutionId: row.institutionId,
    });
    r = { actor, lastUsedAt: row.lastUsedAt, readAt: now };
    // a revocation heard while this read was under way: the row may be the one before it
    if (tokens.generation === generation) {
      cache.set(hash, r);
      hearRevocations(tokens);
    }
  }
  if (r.lastUsedAt === null || now - r.lastUsedAt > LAST_USE_GRANULARITY_MS) {
    await atomic(
      db,
      async (tx) =>
        await tx
          .update(apiTokens)
          .set({ lastUsedAt: new Date(now) })
          .where(eq(apiTokens.id, r.actor.id))
          .run(),
    );
    r.lastUsedAt = now;
  }
  return r.actor;
}

function cacheOf(db: Db): TokenCache {
  let tokens = resolvedTokens.get(db);
  if (!tokens) {
    tokens = { byHash: new Map(), generation: 0, events: null, off: null, filledAt: 0 };
    resolvedTokens.set(db, tokens);
  }
  return tokens;
}

/** After a revocation: the next request of every token reads the database again (this node only). */
function forget(tokens: TokenCache): void {
  tokens.byHash.clear();
  tokens.generation++;
}

/** The cache keeps a token: it hears revocations until TOKEN_CACHE_MS after it last kept one. */
function hearRevocations(tokens: TokenCache): void {
  tokens.filledAt = performance.now();
  if (tokens.off || !tokens.events) return;
  const { events } = tokens;
  const offs = [
    events.subscribe(TOKENS_CHANNEL, () => forget(tokens)),
    // listening (again): a revocation sent before it was never heard here
    events.subscribe(RELISTENED.channel, (e) => e.event === RELISTENED.event && forget(tokens)),
  ];
  tokens.off = () => {
    for (const off of offs) off();
  };
  const check = () => {
    if (performance.now() - tokens.filledAt < TOKEN_CACHE_MS) {
      setTimeout(check, TOKEN_CACHE_MS).unref?.();
      return;
    }
    // deaf from here on: nothing kept
    forget(tokens);
    tokens.off?.();
    tokens.off = null;
  };
  setTimeout(check, TOKEN_CACHE_MS).unref?.();
}

/**
 * A revocation committed: this node forgets at once, and the bus tells the others (on PostgreSQL,
 * NOTIFY; README: Several nodes), whose caches hear it while they keep any token.
 */
export function announceRevocation(ctx: { db: Db; events: EventBus }, tokenId: number): void {
  forget(cacheOf(ctx.db));
  ctx.events.publish(TOKENS_CHANNEL, "revoked", String(tokenId));
}

/** The bus on which this database's token cache hears the revocations of every node. */
export function watchRevocations(db: Db, events: EventBus): void {
  cacheOf(db).events = events;
}

/**
 * Sign-in throttling. An attempt is reserved — written as a failure — before its password is
 * checked, in the same synchronous transaction as the count that admits it: a burst of
 * concurrent attempts cannot all pass the check while the first ones are still hashing, so at
 * most `maxFailures` passwords per username are ever evaluated in a window. A correct password
 * turns its reservation into a success.
 *
 * Per address: more than `maxAddressFailures` failures from one address (password spraying over
 * many usernames) stops attempts from it — except for a username that has signed in successfully
 * from that address within `knownGoodMs`. Colleagues behind one NAT or proxy keep signing in while
 * someone there guesses; the guesser gains nothing by it, since every username still has its own
 * limit of `maxFailures`, and usernames never used from that address (the spray) stay refused.
 */
export const THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000, maxAddressFailures: 20, knownGoodMs: 30 * 86_400_000 };

/** Reserves one attempt for this username from this address, or null when either is throttled. */
async function reserveSignInAttempt(db: Db, username: string, ip: string, now: number): Promise<number | null> {
  const since = now - THROTTLE.windowMs;
  const a = signInAttempts;
  const failures = async (tx: Conn, who: SQL) =>
    (await tx
      .select({ n: count() })
      .from(a)
      .where(and(who, eq(a.succeeded, false), gt(a.at, new Date(since))))
      .get())!.n;
  return await transaction(db, async (tx) => {
    await lockKey(tx, `sign-in:user:${username}`);
    await lockKey(tx, `sign-in:ip:${ip}`);
    if ((await failures(tx, eq(a.username, username))) >= THROTTLE.maxFailures) return null;
    if (
      (await failures(tx, eq(a.ip, ip))) >= THROTTLE.maxAddressFailures &&
      !(await tx
        .select({ id: a.id })
        .from(a)
        .where(
          and(
            eq(a.username, username),
            eq(a.ip, ip),
            eq(a.succeeded, true),
            gt(a.at, new Date(now - THROTTLE.knownGoodMs)),
          ),
        )
        .limit(1)
        .get())
    )
      return null;
    return (
      await tx
        .insert(a)
        .values({ username, ip, succeeded: false, at: new Date(now) })
        .returning({ id: a.id })
        .get()
    ).id;
  });
}

/** `pending`: the right password of a user no supervisor has approved yet (it cannot sign in). */
export type SignInResult =
  | { ok: true; user: typeof users.$inferSelect }
  | { ok: false; throttled: boolean; pending?: boolean };

export async function verifySignIn(
  db: Db,
  username: string,
  password: string,
  ip: string,
  now: number,
): Promise<SignInResult> {
  const attempt = await reserveSignInAttempt(db, username, ip, now);
  if (attempt === null) return { ok: false, throttled: true };
  const user = await db.select().from(users).where(eq(users.username, username)).get();
  // verify against a dummy hash for unknown users so timing does not reveal which exist
  const ok = await Bun.password.verify(password, user?.passwordHash ?? DUMMY_HASH);
  if (!ok || !user || !user.active) return { ok: false, throttled: false };
  await atomic(
    db,
    async (tx) => await tx.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attempt)).run(),
  );
  if (user.approval) return { ok: false, throttled: false, pending: true };
  return { ok: true, user };
}
const DUMMY_HASH = await Bun.password.hash("not-a-real-password-" + randomToken(8));

export async function createSession(
  db: Db,
  userId: number,
  meta: { ip: string | null; userAgent: string | null },
  now: number,
  ttlMs: number,
) {
  const token = randomToken();
  const csrfToken = randomToken();
  await atomic(
    db,
    async (tx) =>
      await tx
        .insert(sessions)
        .values({
          id: sha256(token),
          userId,
          csrfToken,
          ip: meta.ip,
          userAgent: meta.userAgent,
          expiresAt: new Date(now + ttlMs),
        })
        .run(),
  );
  return { token, csrfToken };
}

export async function loadSession(db: Db, token: string, now: number) {
  const row = await db
    .select({ id: sessions.id, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sha256(token)))
    .get();
  if (!row || row.expiresAt.getTime() <= now || !row.user.active || row.user.approval) return null;
  const actor: Actor = {
    kind: "user",
    id: row.user.id,
    name: row.user.username,
    role: row.user.role,
    institutionId: row.user.institutionId,
  };
  return { session: { id: row.id, csrfToken: row.csrfToken }, actor, displayName: row.user.displayName };
}

export async function deleteSession(db: Db, sessionId: string) {
  await atomic(db, async (tx) => await tx.delete(sessions).where(eq(sessions.id, sessionId)).run());
}
