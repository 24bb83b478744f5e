// Who is asking, whether they may, and whether the request really came from our pages.

import { timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/bun";
import { getCookie } from "hono/cookie";
import type { Config } from "../config";
import { can, type Permission } from "../domain/access";
import type { AppEnv } from "../http/context";
import { AppError, forbidden } from "../http/errors";
import { actorForToken, loadSession } from "./service";

export const SESSION_COOKIE = "fz_session";

function peerAddress(c: Context<AppEnv>): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request in tests has no socket
  }
}

const proxyLists = new WeakMap<Config["trustedProxies"], BlockList>();
function trustedProxies(list: Config["trustedProxies"]): BlockList {
  let b = proxyLists.get(list);
  if (!b) {
    b = new BlockList();
    proxyLists.set(list, b);
    for (const p of list) b.addSubnet(p.address, p.prefix, p.family);
  }
  return b;
}
const isTrusted = (b: BlockList, address: string) =>
  isIP(address) !== 0 && b.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");

/**
 * The one place the client's address is read (throttling, sessions, audit). The socket's peer,
 * unless that peer is a proxy named in TRUSTED_PROXIES: then X-Forwarded-For is read from the
 * right, each trusted proxy naming the hop before it, and the first address that is not a trusted
 * proxy is the client. Anything further left was written by the client and proves nothing.
 */
export function clientIp(c: Context<AppEnv>): string {
  const peer = peerAddress(c);
  if (!peer) return "local";
  const trusted = trustedProxies(c.var.deps.config.trustedProxies);
  let client = peer;
  if (!isTrusted(trusted, peer)) return client;
  const hops = (c.req.header("X-Forwarded-For") ?? "").split(",").map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) break; // malformed: keep the last address a trusted proxy vouched for
    client = hop;
    if (!isTrusted(trusted, hop)) break;
  }
  return client;
}

/** The JSON API: the bearer token, and nothing ambient (no cookie). Sets c.var.actor (or null). */
export const tokenAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "");
  const { db, clock } = c.get("deps");
  c.set("actor", m ? await actorForToken(db, m[1]!, clock.now()) : null);
  c.set("session", null);
  await next();
};

/** Pages: the session cookie. Sets c.var.actor and c.var.session (or null). */
export const sessionAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const found = token ? await loadSession(c.var.deps.db, token, c.var.deps.clock.now()) : null;
  c.set("actor", found?.actor ?? null);
  c.set("session", found?.session ?? null);
  await next();
};

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Cookie-authenticated writes must carry the session's CSRF token (htmx sends it as a
 * header from <body hx-headers>, plain forms as a hidden _csrf field). Bearer-token API
 * calls carry no ambient credentials and need none.
 */
export const csrfGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = c.var.session;
  if (!UNSAFE.has(c.req.method) || !session) return next();
  let sent = c.req.header("X-CSRF-Token");
  const type = c.req.header("Content-Type") ?? "";
  // multipart uploads are streamed by their route: they must use the header
  if (!sent && type.startsWith("application/x-www-form-urlencoded")) {
    const body = await c.req.parseBody();
    sent = typeof body._csrf === "string" ? body._csrf : undefined;
  }
  if (!sent || !sameToken(sent, session.csrfToken)) throw new AppError("csrf", "CSRF token missing or wrong");
  await next();
};

function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The one authorisation gate: signed in, and the role holds every permission named. */
export function allow(...permissions: Permission[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get("actor");
    if (!actor) throw new AppError("unauthenticated", "Sign in or send a valid bearer token");
    if (!permissions.every((p) => can(actor, p))) throw forbidden(`Role ${actor.role} may not do this`);
    await next();
  };
}
