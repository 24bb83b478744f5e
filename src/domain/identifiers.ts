// Identifier rules: how a written phone number or bank account becomes the one stored value,
// and which institution it probably belongs to. Pure: no I/O, no database.
//
// Every institution guess is `inferred: true`: number portability (携号转网, since 2019) and
// bank mergers mean a prefix only suggests the carrier or bank; the institution's answer confirms it.
import {
  type PhoneNumber as LibPhoneNumber,
  ParseError,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";
import binData from "./data/bins.json";
import { type Refusal, refuse } from "./reasons";

export type SuspectKind = "phone" | "bank_account";
export type InstitutionGuess = { code: string; inferred: true };

type PhoneType = "mobile" | "landline" | "other";
/** Kind of Chinese mobile number range (号段); null for landlines and foreign numbers. */
type MobileSegment = "mobile" | "data_only" | "iot" | "mvno" | "satellite";

export type NormalizedPhone = {
  ok: true;
  value: string; // E.164, e.g. +8613800138000
  display: string;
  region: string; // ISO 3166 code from libphonenumber; "001" for non-geographic numbers (+800 …)
  type: PhoneType;
  carrier: InstitutionGuess | null;
  /** Virtual operator (MVNO, 虚拟运营商): the reseller is not one of our institutions. */
  virtual: boolean;
  /** For MVNO numbers, the basic carrier whose network hosts the range. */
  hostCarrier: InstitutionGuess | null;
  segment: MobileSegment | null;
};

export type NormalizedAccount = {
  ok: true;
  value: string; // digits only
  display: string; // groups of 4
  bank: InstitutionGuess | null;
  isCard: boolean; // 15–19 digits: a card number, so it has a BIN
  warnings: string[];
};

type IdentifierBase = {
  ok: true;
  value: string;
  display: string;
  institution: InstitutionGuess | null;
  warnings: string[];
};
/** A normalised suspect identifier: what the suspect service, lookup API and import store. */
export type Identifier =
  | (IdentifierBase & { kind: "phone"; phone: NormalizedPhone })
  | (IdentifierBase & { kind: "bank_account"; account: NormalizedAccount });
export type IdentifierResult = Identifier | Refusal;

const reject = refuse;
const guess = (code: string): InstitutionGuess => ({ code, inferred: true });

// ---------------------------------------------------------------------------------------------
// Characters

/** Full-width ASCII (U+FF01–FF5E, e.g. `１３８`, `＋`, `－`) and the ideographic space to half-width. */
export function toHalfWidth(s: string): string {
  // Most input is plain ASCII: skip the rebuild.
  if (!/[\u3000\uff01-\uff5e]/.test(s)) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += " ";
    else out += s[i];
  }
  return out;
}

// Whitespace (incl. NBSP, thin spaces) and the dashes people paste from Word or WeChat.
const SPACES_AND_DASHES = /[\s\u00a0\u2000-\u200b\u2010-\u2015\u2212\u30fc-]+/g;
// Phones are also written with dots, slashes and parentheses around the area code.
const PHONE_SEPARATORS = /[\s\u00a0\u2000-\u200b\u2010-\u2015\u2212\u30fc.()/-]+/g;
const LETTER = /\p{L}/u;

/** Luhn (mod 10) check of a digit string; false for empty or non-digit input. */
export function luhnValid(digits: string): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// ---------------------------------------------------------------------------------------------
// Chinese mobile ranges (号段). Data, not regexes: a new range is one more word in a row.
// Sources: MIIT allocations as summarised in DESIGN.md §3 and VincentSit/ChinaMobilePhoneNumberRegex
// (rules.json). Longest prefix wins, so 1349 (satellite, Telecom) beats 134x (Mobile).

export type RangeRow = {
  carrier: string | null;
  host?: string; // MVNO ranges: the basic carrier hosting them
  segment: MobileSegment;
  length: 11 | 13;
  prefixes: string;
};

export const MOBILE_RANGES: readonly RangeRow[] = [
  {
    carrier: "CMCC",
    segment: "mobile",
    length: 11,
    prefixes:
      "1340 1341 1342 1343 1344 1345 1346 1347 1348 135 136 137 138 139 150 151 152 157 158 159 172 178 182 183 184 187 188 195 197 198",
  },
  { carrier: "CUCC", segment: "mobile", length: 11, prefixes: "130 131 132 155 156 166 175 176 185 186 196" },
  { carrier: "CTCC", segment: "mobile", length: 11, prefixes: "133 153 173 177 180 181 189 190 191 193 199" },
  { carrier: "CBN", segment: "mobile", length: 11, prefixes: "192" },
  // Satellite: 1349 (former China Satcom, now Telecom) and Tiantong 17400–17405.
  { carrier: "CTCC", segment: "satellite", length: 11, prefixes: "1349 17400 17401 17402 17403 17404 17405" },
  // Data-only cards (上网卡); 147/149 may also carry voice.
  { carrier: "CMCC", segment: "data_only", length: 11, prefixes: "147" },
  { carrier: "CUCC", segment: "data_only", length: 11, prefixes: "145" },
  { carrier: "CTCC", segment: "data_only", length: 11, prefixes: "149" },
  // IoT cards (物联网卡) are 13 digits.
  { carrier: "CMCC", segment: "iot", length: 13, prefixes: "1440 148" },
  { carrier: "CUCC", segment: "iot", length: 13, prefixes: "146" },
  { carrier: "CTCC", segment: "iot", length: 13, prefixes: "1410" },
  // Virtual operators: the reseller is unknown from the number; the host network is known per range.
  { carrier: null, host: "CTCC", segment: "mvno", length: 11, prefixes: "162 1700 1701 1702" },
  { carrier: null, host: "CMCC", segment: "mvno", length: 11, prefixes: "165 1703 1705 1706" },
  { carrier: null, host: "CUCC", segment: "mvno", length: 11, prefixes: "167 171 1704 1707 1708 1709" },
];

type MobileRange = { carrier: InstitutionGuess | null; host: InstitutionGuess | null; segment: MobileSegment };
const MOBILE_BY_PREFIX = new Map<string, MobileRange>(); // key: `${length}:${prefix}`
for (const row of MOBILE_RANGES) {
  const range: MobileRange = {
    carrier: row.carrier ? guess(row.carrier) : null,
    host: row.host ? guess(row.host) : null,
    segment: row.segment,
  };
  for (const p of row.prefixes.split(" ")) MOBILE_BY_PREFIX.set(`${row.length}:${p}`, range);
}

function mobileRange(national: string): MobileRange | undefined {
  const n = national.length;
  if (n !== 11 && n !== 13) return undefined;
  return (
    MOBILE_BY_PREFIX.get(`${n}:${national.slice(0, 5)}`) ??
    MOBILE_BY_PREFIX.get(`${n}:${national.slice(0, 4)}`) ??
    MOBILE_BY_PREFIX.get(`${n}:${national.slice(0, 3)}`)
  );
}

export type CarrierGuess = Pick<NormalizedPhone, "carrier" | "virtual" | "hostCarrier"> & { segment: MobileSegment };

/** Carrier of a Chinese mobile/IoT national number (11 or 13 digits) from its range, or null if unknown. */
export function inferCarrier(national: string): CarrierGuess | null {
  const r = mobileRange(national);
  return r ? { carrier: r.carrier, virtual: r.segment === "mvno", hostCarrier: r.host, segment: r.segment } : null;
}

// ---------------------------------------------------------------------------------------------
// Phones

// Cleaned form of a written phone number: digits, with a leading "+" kept. null = not phone-like.
function cleanPhone(input: string): string | null {
  const s = toHalfWidth(input).replace(PHONE_SEPARATORS, "");
  return /^\+?\d+$/.test(s) ? s : null;
}

const groupMobile = (n: string) =>
  n.length === 11
    ? `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`
    : `${n.slice(0, 5)} ${n.slice(5, 9)} ${n.slice(9)}`;

function cnMobile(national: string, r: MobileRange): NormalizedPhone {
  return {
    ok: true,
    value: `+86${national}`,
    display: groupMobile(national),
    region: "CN",
    type: "mobile",
    carrier: r.carrier,
    virtual: r.segment === "mvno",
    hostCarrier: r.host,
    segment: r.segment,
  };
}

const LENGTH_REASON = {
  TOO_SHORT: "phone.too_short",
  TOO_LONG: "phone.too_long",
  INVALID_LENGTH: "phone.wrong_length",
  INVALID_COUNTRY: "phone.unknown_country",
  NOT_A_NUMBER: "phone.unreadable",
} as const satisfies Record<string, Refusal["code"]>;
const lengthReason = (libCode: string): Refusal["code"] =>
  LENGTH_REASON[libCode as keyof typeof LENGTH_REASON] ?? "phone.unreadable";

/** Normalises a written phone number to E.164 (default region CN) with an inferred carrier. */
export function normalizePhone(input: string): NormalizedPhone | Refusal {
  const trimmed = input.trim();
  if (trimmed === "") return reject("phone.empty");
  const s = cleanPhone(trimmed);
  if (s === null) {
    return reject(LETTER.test(toHalfWidth(trimmed)) ? "phone.letters" : "phone.not_digits");
  }

  // International form: "+…" or the "00" international prefix dialled from China.
  const intl = s[0] === "+" ? s.slice(1) : s.startsWith("00") ? s.slice(2) : null;
  let national = intl === null ? s : intl.startsWith("86") ? intl.slice(2) : null;
  // "8613800138000": carrier exports often drop the "+".
  if (intl === null && s.length === 13 && s.startsWith("861")) national = s.slice(2);

  // Fast path: known Chinese mobile/IoT ranges need no libphonenumber (bulk imports, ~100k/s).
  if (national !== null && national[0] === "1") {
    const r = mobileRange(national);
    if (r) return cnMobile(national, r);
  }

  const digits = intl ?? national ?? s;
  if (digits.length < 3) return reject("phone.too_short");
  if (digits.length > 17) return reject("phone.too_long");
  const text = intl !== null ? `+${intl}` : s;

  let p: LibPhoneNumber;
  try {
    p = parsePhoneNumberWithError(text, "CN");
  } catch (e) {
    const code = e instanceof ParseError ? e.message : "NOT_A_NUMBER";
    return reject(lengthReason(code));
  }

  const region = p.country ?? "001";
  if (!p.isValid()) {
    const n = p.nationalNumber as string;
    if (region === "CN") {
      if (n.length === 11 && n[0] === "1") return reject("phone.not_mobile_prefix", { prefix: n.slice(0, 3) });
      // 1xx… but not 010 (Beijing) written without its 0: a mobile with digits missing or doubled.
      if (n[0] === "1" && n[1] !== "0" && n.length >= 9 && n.length <= 12) {
        return reject("phone.mobile_length", { n: n.length });
      }
      // A local landline written without its area code cannot be dialled from elsewhere.
      if (intl === null && (n.length === 7 || n.length === 8) && s[0] !== "0") {
        return reject("phone.needs_area_code");
      }
    }
    const len = validatePhoneNumberLength(text, "CN");
    if (len) return reject(LENGTH_REASON[len as keyof typeof LENGTH_REASON] ?? "phone.wrong_length");
    return reject(
      region === "001" ? "phone.unknown_range" : "phone.unknown_range_in",
      region === "001" ? undefined : { region },
    );
  }

  const t = p.getType();
  // FIXED_LINE_OR_MOBILE (e.g. all of +1) cannot be split: call it "other" rather than guess.
  const type: PhoneType = t === "MOBILE" ? "mobile" : t === "FIXED_LINE" ? "landline" : "other";
  const cn = region === "CN";
  const nat = p.nationalNumber as string;
  const r = cn && type === "mobile" ? mobileRange(nat) : undefined;
  return {
    ok: true,
    value: p.number as string,
    // Chinese numbers in the national form people dial (010 1234 5678); foreign ones with their country code.
    display: cn ? (type === "mobile" ? groupMobile(nat) : p.formatNational()) : p.formatInternational(),
    region,
    type,
    carrier: r?.carrier ?? null,
    virtual: r?.segment === "mvno",
    hostCarrier: r?.host ?? null,
    segment: r?.segment ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Bank accounts

type BinFile = { banks: Record<string, { prefixes: string[]; shortPrefixes: Record<string, number> }> };

// prefix → bank code, and for the few legacy prefixes shorter than 6 digits, the card length they
// require (otherwise "103" would claim every account that happens to start with it).
const BIN = new Map<string, { bank: InstitutionGuess; length?: number }>();
let binMin = 99;
let binMax = 0;
for (const [code, bank] of Object.entries((binData as BinFile).banks)) {
  const g = guess(code);
  const add = (prefix: string, length?: number) => {
    BIN.set(prefix, { bank: g, length });
    binMin = Math.min(binMin, prefix.length);
    binMax = Math.max(binMax, prefix.length);
  };
  for (const p of bank.prefixes) add(p);
  for (const [p, length] of Object.entries(bank.shortPrefixes)) add(p, length);
}

/** Issuing bank of a card number from its BIN (longest known prefix), or null. */
export function inferBank(cardNumber: string): InstitutionGuess | null {
  for (let len = Math.min(binMax, cardNumber.length); len >= binMin; len--) {
    const hit = BIN.get(cardNumber.slice(0, len));
    if (hit && (hit.length === undefined || hit.length === cardNumber.length)) return hit.bank;
  }
  return null;
}

const groupsOf4 = (d: string) => d.replace(/(\d{4})(?=\d)/g, "$1 ");

export const LUHN_WARNING = "card number fails the Luhn check; some Chinese cards do";

/** Normalises a written bank card or account number to its digits, with an inferred issuing bank. */
export function normalizeAccount(input: string): NormalizedAccount | Refusal {
  const s = toHalfWidth(input).replace(SPACES_AND_DASHES, "");
  if (s === "") return reject("account.empty");
  if (!/^\d+$/.test(s)) {
    return reject(LETTER.test(s) ? "account.letters" : "account.not_digits");
  }
  if (s.length < 12) return reject("account.too_short", { n: s.length });
  if (s.length > 30) return reject("account.too_long", { n: s.length });

  // Only card numbers carry a BIN; corporate and passbook accounts are numbered by branch.
  const isCard = s.length >= 15 && s.length <= 19;
  const warnings: string[] = [];
  // Some Chinese debit cards were issued without a valid check digit: warn, never reject.
  if (isCard && !luhnValid(s)) warnings.push(LUHN_WARNING);
  return { ok: true, value: s, display: groupsOf4(s), bank: isCard ? inferBank(s) : null, isCard, warnings };
}

// ---------------------------------------------------------------------------------------------
// Either

/**
 * Which kind of suspect a written value is, or null if it is neither.
 * "+" or a bracketed area code → phone; 7–11 digits → phone (too short for an account; the
 * phone rules give the reason if it is not one); 12–30 digits → account, except the shapes a
 * phone also takes ("00" + international number, 0 + area code, 86 + mobile, 13-digit IoT
 * cards), which are phones when they parse as one.
 */
export function detectKind(input: string): SuspectKind | null {
  const half = toHalfWidth(input).trim();
  const s = cleanPhone(half);
  if (s === null) return null;
  const n = s.length;
  if (s[0] === "+" || half.includes("(")) return "phone";
  if (n >= 7 && n <= 11) return "phone";
  // Accounts are written with spaces and dashes only; dots or slashes mean a phone, if anything.
  const accountLike = n >= 12 && n <= 30 && /^\d+$/.test(half.replace(SPACES_AND_DASHES, ""));
  const phoneShaped = s[0] === "0" || (n === 13 && (s.startsWith("861") || mobileRange(s)?.segment === "iot"));
  if (phoneShaped && (!accountLike || normalizePhone(s).ok)) return "phone";
  return accountLike ? "bank_account" : null;
}

const MVNO_WARNING = "virtual operator (MVNO) number: carrier not inferred";
const IOT_WARNING = "IoT card number (物联网卡)";

function fromPhone(p: NormalizedPhone): Identifier {
  const warnings: string[] = [];
  if (p.virtual) {
    warnings.push(`${MVNO_WARNING}${p.hostCarrier ? `, range hosted by ${p.hostCarrier.code}` : ""}`);
  }
  if (p.segment === "iot") warnings.push(IOT_WARNING);
  return { ok: true, kind: "phone", value: p.value, display: p.display, institution: p.carrier, warnings, phone: p };
}

function fromAccount(a: NormalizedAccount): Identifier {
  return {
    ok: true,
    kind: "bank_account",
    value: a.value,
    display: a.display,
    institution: a.bank,
    warnings: a.warnings,
    account: a,
  };
}

/**
 * Normalises a suspect identifier. With `kind` the value must be of that kind; without it the
 * kind is detected (see detectKind). One shape for the suspect service, lookup API and import.
 */
export function normalizeIdentifier(input: string, kind?: SuspectKind): IdentifierResult {
  const k = kind ?? detectKind(input);
  if (k === "phone") {
    const p = normalizePhone(input);
    return p.ok ? fromPhone(p) : p;
  }
  if (k === "bank_account") {
    const a = normalizeAccount(input);
    return a.ok ? fromAccount(a) : a;
  }
  const s = toHalfWidth(input).trim();
  if (s === "") return reject("identifier.empty");
  if (LETTER.test(s)) return reject("identifier.letters");
  const digits = cleanPhone(s);
  if (digits === null) return reject("identifier.not_digits");
  return reject("identifier.digits", { n: digits.replace("+", "").length });
}

// ---------------------------------------------------------------------------------------------
// Display

/**
 * A stored phone number as people read it: a Chinese number in its spaced national form
 * (138 0013 8000, 010 1234 5678), a foreign one with its country code. Every page shows phones
 * through this; a value that does not parse is shown as stored.
 */
export function formatPhone(value: string | null | undefined): string {
  if (!value) return "";
  const p = normalizePhone(value);
  return p.ok ? p.display : value;
}

/** Which note a warning (as the API words it) is, for pages to say in the reader's language. */
export function warningCode(w: string): { code: "luhn" | "mvno" | "iot"; host?: string } | null {
  if (w === LUHN_WARNING) return { code: "luhn" };
  if (w === IOT_WARNING) return { code: "iot" };
  if (w.startsWith(MVNO_WARNING)) {
    const host = /range hosted by (\w+)$/.exec(w)?.[1];
    return host ? { code: "mvno", host } : { code: "mvno" };
  }
  return null;
}
