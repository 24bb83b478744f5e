import { describe, expect, test } from "bun:test";
import { type Actor, can, canSeeInstitution, institutionScope, seesPersonalData } from "../../src/domain/access";

const actor = (role: Actor["role"], institutionId: number | null = null): Actor => ({
  kind: "user",
  id: 1,
  name: "x",
  role,
  institutionId,
});

describe("authorisation rules", () => {
  test.each([
    ["agent", "requests.write", true],
    ["agent", "requests.respond", false],
    ["bank", "requests.respond", true],
    ["bank", "requests.write", false],
    ["bank", "cases.read", false],
    ["bank", "suspects.lookup", true],
    ["carrier", "suspects.lookup", true],
    ["publicity", "cases.read", false],
    ["publicity", "suspects.read", false],
    ["publicity", "publicity.read", true],
    ["publicity", "stats.read", true],
    ["supervisor", "audit.read", true],
    ["agent", "audit.read", false],
    ["admin", "cases.read", false],
    ["admin", "admin.manage", true],
    ["supervisor", "admin.manage", false],
  ] as const)("%s may %s: %p", (role, perm, allowed) => {
    expect(can(actor(role), perm)).toBe(allowed);
  });

  test("a bank user is scoped to their own bank", () => {
    expect(institutionScope(actor("bank", 3))).toBe(3);
    expect(canSeeInstitution(actor("bank", 3), 3)).toBe(true);
    expect(canSeeInstitution(actor("bank", 3), 4)).toBe(false);
  });

  test("a carrier account without an institution sees no institution's records", () => {
    expect(canSeeInstitution(actor("carrier", null), 1)).toBe(false);
  });

  test("center roles are not scoped to an institution", () => {
    expect(institutionScope(actor("supervisor"))).toBeNull();
    expect(canSeeInstitution(actor("agent"), 9)).toBe(true);
  });

  test("publicity and admin do not see personal data unmasked", () => {
    expect(seesPersonalData("publicity")).toBe(false);
    expect(seesPersonalData("admin")).toBe(false);
    expect(seesPersonalData("agent")).toBe(true);
  });
});
