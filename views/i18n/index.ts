// Interface text in zh-CN (default) and English. Each capability keeps its own
// dictionary file here; keys are "capability.thing".
import core from "./core";
import imports from "./imports";
import publicity from "./publicity";
import requests from "./requests";
import supervision from "./supervision";
import stats from "./stats";
import suspects from "./suspects";
import targets from "./targets";
import forms from "./forms";
import notices from "./notices";
import approvals from "./approvals";
import audit from "./audit";
import { fill, REASONS, type ReasonParams, type ReasonText } from "../../src/domain/reasons";

export type Lang = "zh" | "en";
export const LANGS: readonly Lang[] = ["zh", "en"];
export type Dict = { zh: Record<string, string>; en: Record<string, string> };
export type T = (key: string, params?: Record<string, string | number>) => string;

// the domain's refusal reasons (domain/reasons.ts), as "reason.<code>"
const reasons: Dict = { zh: {}, en: {} };
for (const [code, text] of Object.entries(REASONS)) {
  reasons.zh[`reason.${code}`] = text.zh;
  reasons.en[`reason.${code}`] = text.en;
}

const dicts: Dict[] = [core, stats, supervision, publicity, suspects, requests, targets, imports, forms, notices, approvals, audit, reasons];

/** Capabilities register their dictionaries at import time. */
export function addDictionary(d: Dict): void {
  dicts.push(d);
  merged = null;
}

let merged: Dict | null = null;
function all(): Dict {
  if (!merged) merged = { zh: Object.assign({}, ...dicts.map((d) => d.zh)), en: Object.assign({}, ...dicts.map((d) => d.en)) };
  return merged;
}

// one function per language, not one per request: dictionaries are read when called
const translators = new Map<Lang, T>();
export function translator(lang: Lang): T {
  let t = translators.get(lang);
  if (!t) translators.set(lang, (t = makeTranslator(lang)));
  return t;
}

function makeTranslator(lang: Lang): T {
  return (key, params) => {
    const d = all();
    return fill(d[lang][key] ?? d.zh[key] ?? key, params);
  };
}

/**
 * A domain refusal (src/domain/reasons.ts) as a page shows it: in the reader's language, a status
 * among its params by its label. Without a code, or with one no longer in the table (an import
 * row stored earlier), the English `reason` as given.
 */
export function refusalText(t: T, r: { code?: string | null; params?: ReasonParams | null; reason: string }): string {
  const text: ReasonText | undefined = r.code ? (REASONS as Record<string, ReasonText>)[r.code] : undefined;
  if (!text) return r.reason;
  const labels = text.labels;
  const label = (k: string, v: string | number) => (labels![k] === "reason" ? t(`reason.${v}`, r.params!) : labels![k] ? t(`${labels![k]}.${v}`) : v);
  const params = r.params && labels ? Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, label(k, v)])) : r.params;
  return t(`reason.${r.code}`, params ?? undefined);
}

/** An error's message as a page shows it: its refusal in the reader's language when it has one. */
export function errorText(t: T, e: { message: string; refusal?: { code: string; params?: ReasonParams } }): string {
  return e.refusal ? refusalText(t, { ...e.refusal, reason: e.message }) : e.message;
}
