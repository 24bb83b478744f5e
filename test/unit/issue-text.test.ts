import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { type Issue, zodIssues } from "../../src/http/errors";
import { issueText } from "../../views/components";
import { translator } from "../../views/i18n";

const zh = { t: translator("zh"), lang: "zh" as const };
const en = { t: translator("en"), lang: "en" as const };
const issueOf = (schema: z.ZodType, input: unknown): Issue => zodIssues(schema.safeParse(input).error!)[0]!;

describe("an issue in the reader's language", () => {
  test("a message written in a schema is shown from the form dictionary in Chinese, as written in English", () => {
    const i = issueOf(z.string().min(1, "required"), "");
    expect(issueText(i, zh)).toBe("必填");
    expect(issueText(i, en)).toBe("required");
  });

  test("a schema message with a number keeps the number", () => {
    const i = issueOf(z.string().max(5, "at most 5 characters"), "123456");
    expect(issueText(i, zh)).toBe("最多 5 个字符");
  });

  test("zod's own message is worded by zod's Chinese locale for a Chinese reader", () => {
    const i = issueOf(z.enum(["a", "b"]), "c");
    expect(i.message).toStartWith("Invalid option");
    expect(issueText(i, zh)).not.toBe(i.message);
    expect(issueText(i, zh)).toMatch(/[\u4e00-\u9fff]/);
    expect(issueText(i, en)).toBe(i.message);
  });

  test("a domain refusal is shown by its code", () => {
    const i: Issue = { path: "value", message: "not a valid bank account: empty", code: "account.empty" };
    expect(issueText(i, zh)).toBe("不是有效的银行账号：为空");
  });

  test("with no reader (the JSON API) the English message stands", () => {
    expect(issueText(issueOf(z.string().min(1, "required"), ""), null)).toBe("required");
  });
});
