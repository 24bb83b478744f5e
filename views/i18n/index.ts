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

export type Lang = "zh" | "en";
export const LANGS: readonly Lang[] = ["zh", "en"];
export type Dict = { zh: Record<string, string>; en: Record<string, string> };
export type T = (key: string, params?: Record<string, string | number>) => string;

const dicts: Dict[] = [core, stats, supervision, publicity, suspects, requests, targets, imports];

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
    let s = d[lang][key] ?? d.zh[key] ?? key;
    if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
}
