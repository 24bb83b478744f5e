import { describe, expect, test } from "bun:test";
import { fenToCapitals } from "../../src/domain/money";

describe("amount in Chinese capitals (大写)", () => {
  test("whole yuan end in 整", () => {
    expect(fenToCapitals(20_000_000)).toBe("人民币贰拾万元整");
    expect(fenToCapitals(100)).toBe("人民币壹元整");
    expect(fenToCapitals(123_456_700)).toBe("人民币壹佰贰拾叁万肆仟伍佰陆拾柒元整");
  });
  test("zero is 零元整", () => {
    expect(fenToCapitals(0)).toBe("人民币零元整");
  });
  test("jiao and fen are written, with 零 between yuan and a lone fen", () => {
    expect(fenToCapitals(123_456)).toBe("人民币壹仟贰佰叁拾肆元伍角陆分");
    expect(fenToCapitals(100_005)).toBe("人民币壹仟元零伍分");
    expect(fenToCapitals(100_050)).toBe("人民币壹仟元伍角整");
    expect(fenToCapitals(5)).toBe("人民币伍分");
    expect(fenToCapitals(50)).toBe("人民币伍角整");
  });
  test("one 零 stands for a run of zeros inside a group", () => {
    expect(fenToCapitals(100_500)).toBe("人民币壹仟零伍元整");
    expect(fenToCapitals(101_000)).toBe("人民币壹仟零壹拾元整");
    expect(fenToCapitals(1_005_010)).toBe("人民币壹万零伍拾元壹角整");
  });
  test("zeros across 万 and 亿 give one 零 and no empty unit", () => {
    expect(fenToCapitals(105_000_00)).toBe("人民币壹拾万零伍仟元整");
    expect(fenToCapitals(100_000_001_00)).toBe("人民币壹亿零壹元整");
    expect(fenToCapitals(100_010_000_00)).toBe("人民币壹亿零壹万元整");
    expect(fenToCapitals(100_000_000_00)).toBe("人民币壹亿元整");
    expect(fenToCapitals(1_234_0000_0000_00)).toBe("人民币壹仟贰佰叁拾肆亿元整");
    expect(fenToCapitals(10_0000_0500_00)).toBe("人民币壹拾亿零伍佰元整");
  });
  test("a negative or fractional amount is refused", () => {
    expect(() => fenToCapitals(-1)).toThrow(RangeError);
    expect(() => fenToCapitals(1.5)).toThrow(RangeError);
  });
});
