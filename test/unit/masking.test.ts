import { describe, expect, test } from "bun:test";
import { maskAccount, maskFreeText, maskIdNumber, maskName, maskPhone } from "../../src/domain/masking";
import { formatFen, yuanToFen } from "../../src/domain/money";
import { formatInstant, parseShanghaiLocal, shanghaiDate } from "../../src/domain/time";

describe("masking", () => {
  test("a Chinese name keeps its first character", () => expect(maskName("张三丰")).toBe("张**"));
  test("a two-character name becomes 张*", () => expect(maskName("张三")).toBe("张*"));
  test("an E.164 mobile is shown as 138****8000", () => expect(maskPhone("+8613800138000")).toBe("138****8000"));
  test("an ID number keeps four characters at each end", () =>
    expect(maskIdNumber("11010119900307123X")).toBe("1101**********123X"));
  test("an account keeps its first and last four digits", () =>
    expect(maskAccount("6222021234567890123")).toBe("6222 **** **** 0123"));
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
  test("an instant is shown in Shanghai time", () =>
    expect(formatInstant(Date.parse("2026-01-31T16:30:00Z"))).toBe("2026-02-01 00:30"));
  test("the Shanghai date of 16:00 UTC is the next day", () =>
    expect(shanghaiDate(Date.parse("2026-01-31T16:00:00Z"))).toBe("2026-02-01"));
  test("a datetime-local value is read as Shanghai time", () =>
    expect(parseShanghaiLocal("2026-02-01T08:00")).toBe(Date.parse("2026-02-01T00:00:00Z")));
  test("a malformed datetime-local value is refused", () => expect(parseShanghaiLocal("tomorrow")).toBeNull());
});

describe("maskFreeText: numbers inside free text", () => {
  test("a mobile typed into a district is masked like a phone", () =>
    expect(maskFreeText("朝阳区 联系人13911112222")).toBe("朝阳区 联系人139****2222"));
  test("a mobile written with spaces and dashes is masked", () =>
    expect(maskFreeText("电话 139-1111 2222 找他")).toBe("电话 139****2222 找他"));
  test("full-width digits are masked", () => expect(maskFreeText("１３９１１１１２２２２")).toBe("１３９****２２２２"));
  test("an ID number with its X is masked", () =>
    expect(maskFreeText("身份证11010119900307123X")).toBe("身份证110***********123X"));
  test("a card number in groups is masked", () =>
    expect(maskFreeText("卡号 6222 0212 3456 7890 123")).toBe("卡号 622************0123"));
  test("a 7-digit landline is all stars", () => expect(maskFreeText("座机 8888-8888")).toBe("座机 ********"));
  test("short numbers stay: street numbers, years, postcodes", () =>
    expect(maskFreeText("朝阳路12号 2026年 100020")).toBe("朝阳路12号 2026年 100020"));
  test("text without digits and null pass through", () => {
    expect(maskFreeText("海淀区")).toBe("海淀区");
    expect(maskFreeText(null)).toBeNull();
  });
});
