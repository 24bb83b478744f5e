// Password strength, checked on every path that sets a password (createUser: the command line,
// the admin screen, the first admin, the demo). zxcvbn-ts estimates how many guesses a cracker
// needs, knowing the common-password lists, keyboard patterns, repeats, dates and the user's own
// name; a score below 3 (fewer than ~10^8 guesses) is refused with the estimator's warning.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import type { ReasonCode } from "../domain/reasons";

const MIN_PASSWORD_SCORE = 3;

// The estimator's warnings as its translation keys (each text replaced by its own key), so they
// can be worded in both languages by our coded refusals.
const keysOf = <T extends Record<string, Record<string, string>>>(o: T) =>
  Object.fromEntries(
    Object.entries(o).map(([group, texts]) => [group, Object.fromEntries(Object.keys(texts).map((k) => [k, k]))]),
  ) as T;

let estimator: ZxcvbnFactory | undefined; // built on first use: the dictionaries take a moment to load
const zxcvbn = () =>
  (estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: keysOf(en.translations),
  }));

const WARNING_REASON: Record<string, ReasonCode> = {
  topTen: "password.common",
  topHundred: "password.common",
  common: "password.common",
  similarToCommon: "password.common",
  pwned: "password.common",
  userInputs: "password.personal",
  straightRow: "password.keyboard",
  keyPattern: "password.keyboard",
  simpleRepeat: "password.repeat",
  extendedRepeat: "password.repeat",
  sequences: "password.sequence",
  recentYears: "password.dates",
  dates: "password.dates",
  wordByItself: "password.words",
  namesByThemselves: "password.words",
  commonNames: "password.words",
};

/** Why this password is too easy to guess (a reason code), or null when it is strong enough. */
export function weakPassword(password: string, userInputs: (string | undefined)[]): ReasonCode | null {
  const r = zxcvbn().check(
    password,
    userInputs.filter((s): s is string => !!s),
  );
  if (r.score >= MIN_PASSWORD_SCORE) return null;
  return WARNING_REASON[r.feedback.warning ?? ""] ?? "password.guessable";
}
