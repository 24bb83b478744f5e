import { describe, expect, test } from "bun:test";
import { maskAccount, maskIdNumber, maskName, maskPhone } from "../../src/domain/masking";
import { formatFen, yuanToFen } from "../../src/domain/money";
import { formatInstant, parseShanghaiLocal, shanghaiDate } from "../../src/domain/time";

describe("masking", () => {
  test("a Chinese name keeps its first character", () => expect(maskName("张三丰")).toBe("张**"));
  test("a two-character name becomes 张*", () => expect(maskName("张三")).toBe("张*"));
  test("an E.164 mobile is shown as 138****8000", () => expect(maskPhone("+8613800138000")).toBe("138****8000"));
  test("an ID number keeps four characters at each end", () => expect(maskIdNumber("11010119900307123X")).toBe("1101**********123X"));
  test("an account keeps its first and last four digits", () => expect(maskAccount("6222021234567890123")).toBe("6222 **** **** 0123"));
});

describe("money in fen", () => {
  test.each([
    ["1234.56", 123456],
    ["1,234.5", 123450],
    ["¥80", 8000],
    ["0.01", 1],
    ["12元", 1200],
  ])("%s yuan is %d fen", (input, fen) => expect(yuanToFen(input)).toBe(fen));
  test("more than two decimals is not an amount", () => expect(yuanToFen("1.234")).toBeNull());
  test("a negative amount is not an amount", () => expect(yuanToFen("-5")).toBeNull());
  test("fen are formatted as yuan with two decimals", () => expect(formatFen(123456789)).toBe("¥1,234,567.89"));
});

describe("Asia/Shanghai time", () => {
  test("an instant is shown in Shanghai time", () => expect(formatInstant(Date.parse("2026-01-31T16:30:00Z"))).toBe("2026-02-01 00:30"));
  test("the Shanghai date of 16:00 UTC is the next day", () => expect(shanghaiDate(Date.parse("2026-01-31T16:00:00Z"))).toBe("2026-02-01"));
  test("a datetime-local value is read as Shanghai time", () => expect(parseShanghaiLocal("2026-02-01T08:00")).toBe(Date.parse("2026-02-01T00:00:00Z")));
  test("a malformed datetime-local value is refused", () => expect(parseShanghaiLocal("tomorrow")).toBeNull());
});
