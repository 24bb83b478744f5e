// Who may do what (DESIGN.md §7). The one place authorisation rules live; routes ask
// `can(actor, permission)` and services scope queries with `institutionScope(actor)`.
import type { Role } from "./enums";

export type { Role };

export type Actor = {
  kind: "user" | "token";
  id: number;
  name: string; // username, or "token:<name>"
  role: Role;
  institutionId: number | null;
};

const PERMISSIONS = {
  "cases.read": ["agent", "supervisor"],
  "cases.write": ["agent", "supervisor"],
  "suspects.read": ["agent", "supervisor"],
  "suspects.write": ["agent", "supervisor"],
  // a bank's payment system or a carrier asks "is this flagged?" before acting
  "suspects.lookup": ["agent", "supervisor", "bank", "carrier"],
  "targets.read": ["agent", "supervisor"],
  "targets.write": ["agent", "supervisor"],
  "warnings.write": ["agent", "supervisor"],
  "requests.read": ["agent", "supervisor", "bank", "carrier"],
  "requests.write": ["agent", "supervisor"],
  "requests.respond": ["bank", "carrier"],
  "stats.read": ["agent", "supervisor", "publicity"],
  // historical baselines change the figures every report is judged by
  "stats.import": ["supervisor"],
  "publicity.read": ["publicity", "supervisor"],
  "supervision.read": ["supervisor"],
  "audit.read": ["supervisor"],
  "outbox.read": ["agent", "supervisor", "admin"],
  "admin.manage": ["admin"],
  // separation of duties: another supervisor approves the supervisors and admins the admin screen makes
  "privileges.approve": ["supervisor"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Pick<Actor, "role">, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}

/**
 * Roles that reach everything (supervisor: every case; admin: makes users and tokens). Made on the
 * admin screen, they take effect only once a different supervisor approves; the operators' command
 * line on the server makes them directly (the first ones).
 */
export function needsApproval(role: Role): boolean {
  return role === "supervisor" || role === "admin";
}

/** Roles bound to one institution see only that institution's records. */
const INSTITUTION_ROLES: readonly Role[] = ["bank", "carrier"];

export function requiresInstitution(role: Role): boolean {
  return INSTITUTION_ROLES.includes(role);
}

/** The institution a query must be limited to, or null when the actor sees all. */
export function institutionScope(actor: Pick<Actor, "role" | "institutionId">): number | null {
  if (!requiresInstitution(actor.role)) return null;
  // a bank or carrier account without an institution sees nothing rather than everything
  return actor.institutionId ?? -1;
}

export function canSeeInstitution(actor: Pick<Actor, "role" | "institutionId">, institutionId: number): boolean {
  const scope = institutionScope(actor);
  return scope === null || scope === institutionId;
}

/** Roles that see personal data (names, phones, ID numbers) unmasked. */
export function seesPersonalData(role: Role): boolean {
  return role === "agent" || role === "supervisor" || role === "bank" || role === "carrier";
}

/** A caller as one string ("user:1", "token:3"): whose Idempotency-Key, whose rate-limit bucket. */
export function principalOf(actor: Pick<Actor, "kind" | "id">): string {
  return `${actor.kind}:${actor.id}`;
}
