import { describe, expect, test } from "bun:test";
import { caseTransition } from "../../src/domain/cases";
import { inSuspectColumn } from "../../src/domain/reasons";
import { checkStatusChange } from "../../src/domain/suspects";
import { refusalText, translator } from "../../views/i18n";

const zh = translator("zh");
const en = translator("en");

describe("a refusal as a page shows it", () => {
  test("a status among its params is shown by the status's label", () => {
    const r = checkStatusChange("frozen", "stopped");
    if (r.ok) throw new Error("expected a refusal");
    expect(refusalText(zh, r)).toBe("不能从“已冻结”直接改为“已止付”");
    expect(refusalText(en, r)).toBe("a suspect cannot go from Frozen to Stopped");
    expect(r.reason).toBe("a suspect cannot go from frozen to stopped");
  });

  test("a case status change is refused in the reader's language", () => {
    const t = caseTransition(
      { status: "received", receivedAt: 0, filedAt: null, solvedAt: null, closedAt: null },
      "solved",
      1,
      1,
    );
    if (t.ok) throw new Error("expected a refusal");
    expect(t.issues.map((i) => refusalText(zh, { ...i, reason: i.message }))).toEqual([
      "“已接警”的案件不能改为“已破案”",
    ]);
  });

  test("a reason said of a column words the inner reason with its own params", () => {
    const r = inSuspectColumn("account.too_short", { n: 5 });
    expect(r.reason).toBe("suspect: not a valid bank account: too short (5 digits, need 12–30)");
    expect(refusalText(zh, r)).toBe("涉诈号码/账户：不是有效的银行账号：位数太少（5 位，应为 12–30 位）");
    expect(refusalText(en, r)).toBe(r.reason);
  });

  test("without a code, the English reason is shown as given", () => {
    expect(refusalText(zh, { code: null, reason: "no recognisable header row" })).toBe("no recognisable header row");
  });

  test("a code no longer in the table (an import row stored earlier) shows its English reason", () => {
    expect(refusalText(zh, { code: "phone.retired", reason: "not a valid phone number: retired" })).toBe(
      "not a valid phone number: retired",
    );
  });
});
