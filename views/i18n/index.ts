// Interface text in zh-CN (default) and English. Each capability keeps its own dictionary file
// here, every one listed below; keys are "capability.thing", typed from the Chinese: a misspelt key,
// or one missing in English, fails the type check. A value set (a status, a kind) has one label
// table, "<prefix>.<value>", read as t(`cases.state.${status}`): with the value typed by its enum
// tuple the compiler checks every member has its label. A string known only at run time (a stored
// action, a field's name) goes through known().

import { fill, REASONS, type ReasonCode, type ReasonParams, type ReasonText } from "../../src/domain/reasons";
import admin from "./admin";
import approvals from "./approvals";
import audit from "./audit";
import cases from "./cases";
import core from "./core";
import desk from "./desk";
import forms from "./forms";
import home from "./home";
import imports from "./imports";
import live from "./live";
import notices from "./notices";
import publicity from "./publicity";
import requests from "./requests";
import stats from "./stats";
import supervision from "./supervision";
import suspects from "./suspects";
import targets from "./targets";
import telephony from "./telephony";

export type Lang = "zh" | "en";

// the domain's refusal reasons (domain/reasons.ts), as "reason.<code>"
type ReasonKey = `reason.${ReasonCode}`;
const reasons = (lang: Lang) =>
  Object.fromEntries(Object.entries(REASONS).map(([code, text]) => [`reason.${code}`, text[lang]])) as Record<
    ReasonKey,
    string
  >;

/** Every dictionary there is (test/unit/i18n.test.ts reads them one by one). */
export const DICTIONARIES = {
  core,
  home,
  admin,
  cases,
  stats,
  supervision,
  publicity,
  suspects,
  requests,
  desk,
  targets,
  telephony,
  imports,
  forms,
  notices,
  approvals,
  audit,
  live,
  reasons: { zh: reasons("zh"), en: reasons("en") },
};
const d = DICTIONARIES;
const zh = {
  ...d.core.zh,
  ...d.home.zh,
  ...d.admin.zh,
  ...d.cases.zh,
  ...d.stats.zh,
  ...d.supervision.zh,
  ...d.publicity.zh,
  ...d.suspects.zh,
  ...d.requests.zh,
  ...d.desk.zh,
  ...d.targets.zh,
  ...d.telephony.zh,
  ...d.imports.zh,
  ...d.forms.zh,
  ...d.notices.zh,
  ...d.approvals.zh,
  ...d.audit.zh,
  ...d.live.zh,
  ...d.reasons.zh,
};
export type Key = keyof typeof zh;
const en: Record<Key, string> = {
  ...d.core.en,
  ...d.home.en,
  ...d.admin.en,
  ...d.cases.en,
  ...d.stats.en,
  ...d.supervision.en,
  ...d.publicity.en,
  ...d.suspects.en,
  ...d.requests.en,
  ...d.desk.en,
  ...d.targets.en,
  ...d.telephony.en,
  ...d.imports.en,
  ...d.forms.en,
  ...d.notices.en,
  ...d.approvals.en,
  ...d.audit.en,
  ...d.live.en,
  ...d.reasons.en,
};
const texts: Record<Lang, Record<Key, string>> = { zh, en };

export type T = (key: Key, params?: Record<string, string | number>) => string;

/** Whether a string read at run time (a stored action, a form's field name) is a dictionary key. */
const isKey = (key: string): key is Key => Object.hasOwn(zh, key);

/** The text of a key read at run time, or null when the dictionary has none. */
export const known = (t: T, key: string, params?: Record<string, string | number>): string | null =>
  isKey(key) ? t(key, params) : null;

// one function per language, not one per request
const translators: Record<Lang, T> = {
  zh: (key, params) => fill(zh[key], params),
  en: (key, params) => fill(en[key], params),
};
export const translator = (lang: Lang): T => translators[lang];

/**
 * A domain refusal (src/domain/reasons.ts) as a page shows it: in the reader's language, a status
 * among its params by its label. Without a code, or with one no longer in the table (an import
 * row stored earlier), the English `reason` as given.
 */
export function refusalText(t: T, r: { code?: string | null; params?: ReasonParams | null; reason: string }): string {
  if (!r.code || !Object.hasOwn(REASONS, r.code)) return r.reason;
  const code = r.code as ReasonCode;
  const labels = (REASONS[code] as ReasonText).labels;
  const label = (k: string, v: string | number) =>
    (labels![k] === "reason"
      ? known(t, `reason.${v}`, r.params!)
      : labels![k]
        ? known(t, `${labels![k]}.${v}`)
        : null) ?? v;
  const params =
    r.params && labels ? Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, label(k, v)])) : r.params;
  return t(`reason.${code}`, params ?? undefined);
}

/** An error's message as a page shows it: its refusal in the reader's language when it has one. */
export function errorText(t: T, e: { message: string; refusal?: { code: string; params?: ReasonParams } }): string {
  return e.refusal ? refusalText(t, { ...e.refusal, reason: e.message }) : e.message;
}
