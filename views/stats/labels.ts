// How statistics read on screen, in print and in exports: labels, numbers, change.
import { FRAUD_TYPES } from "../../src/domain/enums";
import { maskFreeText } from "../../src/domain/masking";
import { formatFen } from "../../src/domain/money";
import { BASELINE_BUCKET, type Metric, MONEY_METRICS } from "../../src/domain/yoy";
import type { Source } from "../../src/stats/service";
import type { T } from "../i18n";

export const metricLabel = (t: T, m: Metric) => t(`stats.m.${m}`) + (MONEY_METRICS.has(m) ? t("stats.amountUnit") : "");

export const sourceLabel = (t: T, s: Source) => t(`stats.source.${s}`);

export function fraudTypeLabel(t: T, key: string): string {
  if (key === BASELINE_BUCKET) return t("stats.baselineBucket");
  if ((FRAUD_TYPES as readonly string[]).includes(key)) return t(`cases.fraud.${key as (typeof FRAUD_TYPES)[number]}`);
  return key === "" ? t("stats.unlinked") : key;
}

export function districtLabel(t: T, key: string): string {
  if (key === BASELINE_BUCKET) return t("stats.baselineBucket");
  // a district is free text: a phone number typed into it is masked (publicity reads these figures)
  return key === "" ? t("publicity.noDistrict") : maskFreeText(key);
}

/** On screen: money as ¥1,234.00, counts with separators. */
export const formatValue = (m: Metric, v: number) => (MONEY_METRICS.has(m) ? formatFen(v) : v.toLocaleString("en-US"));

/** In a spreadsheet: money as a number of yuan, counts as they are. */
export const exportValue = (m: Metric, v: number) => (MONEY_METRICS.has(m) ? v / 100 : v);
