import { describe, expect, test } from "bun:test";
import { parsePhoneNumberWithError } from "libphonenumber-js/max";
import { normalizeIdNumber } from "../../src/domain/cases";
import binData from "../../src/domain/data/bins.json";
import {
  detectKind,
  formatPhone,
  inferBank,
  inferCarrier,
  LUHN_WARNING,
  luhnValid,
  MOBILE_RANGES,
  normalizeAccount,
  normalizeIdentifier,
  normalizePhone,
  type SuspectKind,
  toHalfWidth,
  warningCode,
} from "../../src/domain/identifiers";
import { REASONS, type Refusal } from "../../src/domain/reasons";
import { refusalText, translator } from "../../views/i18n";

const fw = (s: string) => s.replace(/[0-9+-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

// ---------------------------------------------------------------------------------------------
// Phones: written form → E.164, display, region, type, inferred carrier

type PhoneRow = {
  input: string;
  value: string;
  display: string;
  region?: string;
  type?: "mobile" | "landline" | "other";
  carrier: string | null;
  virtual?: boolean;
  host?: string | null;
  segment?: string | null;
};

const phones: [string, PhoneRow][] = [
  [
    "+86 with dashes",
    { input: "+86 138-0013-8000", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" },
  ],
  [
    "0086 international prefix",
    { input: "0086 13800138000", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" },
  ],
  ["spaced 3-4-4", { input: "138 0013 8000", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" }],
  ["plain 11 digits", { input: "13800138000", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" }],
  [
    "full-width digits",
    { input: "１３８００１３８０００", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" },
  ],
  [
    "full-width plus and spaces",
    { input: "＋８６　１３８　００１３　８０００", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" },
  ],
  [
    "86 without plus (carrier exports)",
    { input: "8613800138000", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" },
  ],
  [
    "+86 with brackets",
    { input: "+86 (138) 0013 8000", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" },
  ],
  [
    "dots as separators",
    { input: "138.0013.8000", value: "+8613800138000", display: "138 0013 8000", carrier: "CMCC" },
  ],
  [
    "surrounding whitespace",
    { input: "  13912345678\t", value: "+8613912345678", display: "139 1234 5678", carrier: "CMCC" },
  ],
  [
    "China Mobile 1340–1348",
    { input: "13481234567", value: "+8613481234567", display: "134 8123 4567", carrier: "CMCC", segment: "mobile" },
  ],
  [
    "1349 satellite → Telecom, not Mobile",
    { input: "13491234567", value: "+8613491234567", display: "134 9123 4567", carrier: "CTCC", segment: "satellite" },
  ],
  ["China Mobile 150", { input: "15012345678", value: "+8615012345678", display: "150 1234 5678", carrier: "CMCC" }],
  ["China Mobile 172", { input: "17212345678", value: "+8617212345678", display: "172 1234 5678", carrier: "CMCC" }],
  ["China Mobile 187", { input: "187-1234-5678", value: "+8618712345678", display: "187 1234 5678", carrier: "CMCC" }],
  ["China Mobile 195", { input: "19512345678", value: "+8619512345678", display: "195 1234 5678", carrier: "CMCC" }],
  ["China Mobile 198", { input: "19812345678", value: "+8619812345678", display: "198 1234 5678", carrier: "CMCC" }],
  ["China Unicom 130", { input: "13012345678", value: "+8613012345678", display: "130 1234 5678", carrier: "CUCC" }],
  ["China Unicom 156", { input: "15612345678", value: "+8615612345678", display: "156 1234 5678", carrier: "CUCC" }],
  ["China Unicom 166", { input: "16612345678", value: "+8616612345678", display: "166 1234 5678", carrier: "CUCC" }],
  ["China Unicom 176", { input: "17612345678", value: "+8617612345678", display: "176 1234 5678", carrier: "CUCC" }],
  ["China Unicom 186", { input: "18612345678", value: "+8618612345678", display: "186 1234 5678", carrier: "CUCC" }],
  ["China Unicom 196", { input: "19612345678", value: "+8619612345678", display: "196 1234 5678", carrier: "CUCC" }],
  ["China Telecom 133", { input: "13312345678", value: "+8613312345678", display: "133 1234 5678", carrier: "CTCC" }],
  ["China Telecom 153", { input: "15312345678", value: "+8615312345678", display: "153 1234 5678", carrier: "CTCC" }],
  ["China Telecom 173", { input: "17312345678", value: "+8617312345678", display: "173 1234 5678", carrier: "CTCC" }],
  ["China Telecom 180", { input: "18012345678", value: "+8618012345678", display: "180 1234 5678", carrier: "CTCC" }],
  ["China Telecom 189", { input: "18912345678", value: "+8618912345678", display: "189 1234 5678", carrier: "CTCC" }],
  ["China Telecom 190", { input: "19012345678", value: "+8619012345678", display: "190 1234 5678", carrier: "CTCC" }],
  ["China Telecom 193", { input: "19312345678", value: "+8619312345678", display: "193 1234 5678", carrier: "CTCC" }],
  ["China Telecom 199", { input: "19912345678", value: "+8619912345678", display: "199 1234 5678", carrier: "CTCC" }],
  [
    "China Telecom Tiantong satellite 17400",
    { input: "17400123456", value: "+8617400123456", display: "174 0012 3456", carrier: "CTCC", segment: "satellite" },
  ],
  [
    "China Broadcast Network 192",
    { input: "19212345678", value: "+8619212345678", display: "192 1234 5678", carrier: "CBN" },
  ],
  [
    "Mobile data card 147",
    { input: "14712345678", value: "+8614712345678", display: "147 1234 5678", carrier: "CMCC", segment: "data_only" },
  ],
  [
    "Unicom data card 145",
    { input: "14512345678", value: "+8614512345678", display: "145 1234 5678", carrier: "CUCC", segment: "data_only" },
  ],
  [
    "Telecom data card 149 (unknown to libphonenumber)",
    { input: "14912345678", value: "+8614912345678", display: "149 1234 5678", carrier: "CTCC", segment: "data_only" },
  ],
  [
    "Mobile 13-digit IoT card 1440",
    { input: "1440012345678", value: "+861440012345678", display: "14400 1234 5678", carrier: "CMCC", segment: "iot" },
  ],
  [
    "Mobile 13-digit IoT card 148",
    { input: "1481234567890", value: "+861481234567890", display: "14812 3456 7890", carrier: "CMCC", segment: "iot" },
  ],
  [
    "Unicom 13-digit IoT card 146",
    { input: "1460012345678", value: "+861460012345678", display: "14600 1234 5678", carrier: "CUCC", segment: "iot" },
  ],
  [
    "Telecom 13-digit IoT card 1410",
    {
      input: "+86 1410 0123 45678",
      value: "+861410012345678",
      display: "14100 1234 5678",
      carrier: "CTCC",
      segment: "iot",
    },
  ],
  [
    "MVNO 162: no carrier, Telecom-hosted",
    {
      input: "16212345678",
      value: "+8616212345678",
      display: "162 1234 5678",
      carrier: null,
      virtual: true,
      host: "CTCC",
      segment: "mvno",
    },
  ],
  [
    "MVNO 165: no carrier, Mobile-hosted",
    {
      input: "16512345678",
      value: "+8616512345678",
      display: "165 1234 5678",
      carrier: null,
      virtual: true,
      host: "CMCC",
    },
  ],
  [
    "MVNO 167: no carrier, Unicom-hosted",
    {
      input: "16712345678",
      value: "+8616712345678",
      display: "167 1234 5678",
      carrier: null,
      virtual: true,
      host: "CUCC",
    },
  ],
  [
    "MVNO 1700: no carrier, Telecom-hosted",
    {
      input: "17001234567",
      value: "+8617001234567",
      display: "170 0123 4567",
      carrier: null,
      virtual: true,
      host: "CTCC",
    },
  ],
  [
    "MVNO 1703: no carrier, Mobile-hosted",
    {
      input: "17031234567",
      value: "+8617031234567",
      display: "170 3123 4567",
      carrier: null,
      virtual: true,
      host: "CMCC",
    },
  ],
  [
    "MVNO 1704: no carrier, Unicom-hosted",
    {
      input: "17041234567",
      value: "+8617041234567",
      display: "170 4123 4567",
      carrier: null,
      virtual: true,
      host: "CUCC",
    },
  ],
  [
    "MVNO 171: no carrier, Unicom-hosted",
    {
      input: "17112345678",
      value: "+8617112345678",
      display: "171 1234 5678",
      carrier: null,
      virtual: true,
      host: "CUCC",
    },
  ],
  [
    "Shenzhen landline with bracketed area code",
    {
      input: "(0755) 8888 8888",
      value: "+8675588888888",
      display: "0755 8888 8888",
      type: "landline",
      carrier: null,
      segment: null,
    },
  ],
  [
    "Shenzhen landline spaced",
    { input: "0755 8888 8888", value: "+8675588888888", display: "0755 8888 8888", type: "landline", carrier: null },
  ],
  [
    "Shenzhen landline with dash",
    { input: "0755-88888888", value: "+8675588888888", display: "0755 8888 8888", type: "landline", carrier: null },
  ],
  [
    "Beijing landline with dash",
    { input: "010-12345678", value: "+861012345678", display: "010 1234 5678", type: "landline", carrier: null },
  ],
  [
    "Shanghai landline undivided",
    { input: "02168888888", value: "+862168888888", display: "021 6888 8888", type: "landline", carrier: null },
  ],
  [
    "landline with +86 and kept trunk 0",
    {
      input: "+86 0755 8888 8888",
      value: "+8675588888888",
      display: "0755 8888 8888",
      type: "landline",
      carrier: null,
    },
  ],
  [
    "landline in full-width",
    { input: fw("010-12345678"), value: "+861012345678", display: "010 1234 5678", type: "landline", carrier: null },
  ],
  [
    "400 service number as other",
    { input: "400-810-8888", value: "+864008108888", display: "400 810 8888", type: "other", carrier: null },
  ],
  [
    "US number: international display, type other",
    {
      input: "+1 415 555 2671",
      value: "+14155552671",
      display: "+1 415 555 2671",
      region: "US",
      type: "other",
      carrier: null,
      segment: null,
    },
  ],
  [
    "UK landline",
    {
      input: "+44 20 7946 0958",
      value: "+442079460958",
      display: "+44 20 7946 0958",
      region: "GB",
      type: "landline",
      carrier: null,
    },
  ],
  [
    "Hong Kong mobile via 00",
    {
      input: "00852 9123 4567",
      value: "+85291234567",
      display: "+852 9123 4567",
      region: "HK",
      type: "mobile",
      carrier: null,
    },
  ],
  [
    "Taiwan mobile",
    {
      input: "+886 912 345 678",
      value: "+886912345678",
      display: "+886 912 345 678",
      region: "TW",
      type: "mobile",
      carrier: null,
    },
  ],
  [
    "Japan mobile",
    {
      input: "+81 90-1234-5678",
      value: "+819012345678",
      display: "+81 90 1234 5678",
      region: "JP",
      type: "mobile",
      carrier: null,
    },
  ],
];

describe("normalizePhone accepts", () => {
  test.each(phones)("%s", (_, row) => {
    const r = normalizePhone(row.input);
    if (!r.ok) throw new Error(`rejected: ${r.reason}`);
    expect(r.value).toBe(row.value);
    expect(r.display).toBe(row.display);
    expect(r.region).toBe(row.region ?? "CN");
    expect(r.type).toBe(row.type ?? "mobile");
    expect(r.carrier).toEqual(row.carrier === null ? null : { code: row.carrier, inferred: true });
    expect(r.virtual).toBe(row.virtual ?? false);
    if (row.host !== undefined)
      expect(r.hostCarrier).toEqual(row.host === null ? null : { code: row.host, inferred: true });
    if (row.segment !== undefined) expect(r.segment).toBe(row.segment as never);
  });
});

const badPhones: [string, string, string][] = [
  ["letters", "abc", "contains letters"],
  ["digits mixed with letters", "1380013800O", "contains letters"],
  ["empty", "   ", "empty"],
  ["symbols", "138*0013*8000", "characters other than digits"],
  ["1 followed by an unallocated 123 range", "12345678901", "123 is not a Chinese mobile prefix"],
  ["unallocated 154 range", "15412345678", "154 is not a Chinese mobile prefix"],
  ["unallocated 194 range, even with +86", "+86 19412345678", "194 is not a Chinese mobile prefix"],
  ["11-digit 144 (the 1440 IoT range has 13 digits)", "14400123456", "144 is not a Chinese mobile prefix"],
  ["mobile missing a digit", "1380013800", "a Chinese mobile has 11 digits, not 10"],
  ["mobile with a digit too many", "138001380001", "a Chinese mobile has 11 digits, not 12"],
  ["local landline without area code", "8888 8888", "a landline needs its area code"],
  ["too short", "12", "too short"],
  ["far too long", "+86 1380013800012345678", "too long"],
  ["unknown country code", "+999 1234 5678", "unknown country code"],
  ["US number too short", "+1 415 555 267", "not a valid phone number"],
  ["unused Shenzhen subscriber length", "0755-888888888", "not a valid phone number"],
];

describe("normalizePhone rejects", () => {
  test.each(badPhones)("%s (%p)", (_, input, reason) => {
    const r = normalizePhone(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toStartWith("not a valid phone number: ");
      expect(r.reason).toContain(reason);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Accounts: written form → digits, groups of 4, inferred bank, card or not, Luhn warning

type AccountRow = {
  input: string;
  value: string;
  bank: string | null;
  isCard: boolean;
  luhnWarning: boolean;
  display?: string;
};

const accounts: [string, AccountRow][] = [
  [
    "ICBC 622202 card with spaces",
    {
      input: "6222 0210 0112 3456 789",
      value: "6222021001123456789",
      display: "6222 0210 0112 3456 789",
      bank: "ICBC",
      isCard: true,
      luhnWarning: false,
    },
  ],
  [
    "ICBC 621226 card with dashes",
    { input: "6212-2610-0012-3456-781", value: "6212261000123456781", bank: "ICBC", isCard: true, luhnWarning: false },
  ],
  [
    "ICBC legacy 95588 card",
    { input: "9558810012345678901", value: "9558810012345678901", bank: "ICBC", isCard: true, luhnWarning: false },
  ],
  [
    "ICBC 628288 credit card",
    { input: "6282881234567898", value: "6282881234567898", bank: "ICBC", isCard: true, luhnWarning: false },
  ],
  [
    "ABC 622848 card",
    { input: "6228480012345678903", value: "6228480012345678903", bank: "ABC", isCard: true, luhnWarning: false },
  ],
  [
    "ABC 16-digit 622848",
    { input: "6228 4812 3456 7894", value: "6228481234567894", bank: "ABC", isCard: true, luhnWarning: false },
  ],
  [
    "ABC legacy 95599 card (19 digits)",
    { input: "95599 80123 45678 9015", value: "9559980123456789015", bank: "ABC", isCard: true, luhnWarning: false },
  ],
  [
    "ABC legacy 103 card (19 digits)",
    { input: "103 1234 5678 9012 3458", value: "1031234567890123458", bank: "ABC", isCard: true, luhnWarning: false },
  ],
  [
    "legacy 103 prefix needs 19 digits, else no bank",
    { input: "1031 2345 6789 0123", value: "1031234567890123", bank: null, isCard: true, luhnWarning: true },
  ],
  [
    "BOC 621660 card",
    { input: "6216601234567890128", value: "6216601234567890128", bank: "BOC", isCard: true, luhnWarning: false },
  ],
  [
    "BOC 601382 card",
    { input: "6013 8212 3456 7890 123", value: "6013821234567890123", bank: "BOC", isCard: true, luhnWarning: false },
  ],
  [
    "CCB 621700 card",
    { input: "6217001234567890122", value: "6217001234567890122", bank: "CCB", isCard: true, luhnWarning: false },
  ],
  [
    "CCB 436742 Visa-range debit card",
    { input: "4367 4212 3456 7890 129", value: "4367421234567890129", bank: "CCB", isCard: true, luhnWarning: false },
  ],
  [
    "BoCom 622260 card",
    { input: "6222601234567890126", value: "6222601234567890126", bank: "BOCOM", isCard: true, luhnWarning: false },
  ],
  [
    "BoCom 601428 card",
    { input: "6014281234567896", value: "6014281234567896", bank: "BOCOM", isCard: true, luhnWarning: false },
  ],
  [
    "BoCom 9-digit prefix 621056801",
    { input: "6210568011234567899", value: "6210568011234567899", bank: "BOCOM", isCard: true, luhnWarning: false },
  ],
  [
    "PSBC 622188 card",
    { input: "6221881234567890129", value: "6221881234567890129", bank: "PSBC", isCard: true, luhnWarning: false },
  ],
  [
    "PSBC 621799 card",
    { input: "6217991234567890124", value: "6217991234567890124", bank: "PSBC", isCard: true, luhnWarning: false },
  ],
  [
    "CMB 622588 16-digit card",
    {
      input: "6225 8812 3456 7898",
      value: "6225881234567898",
      display: "6225 8812 3456 7898",
      bank: "CMB",
      isCard: true,
      luhnWarning: false,
    },
  ],
  [
    "CMB 621483 card",
    { input: "6214831234567896", value: "6214831234567896", bank: "CMB", isCard: true, luhnWarning: false },
  ],
  [
    "CMB 410062 card",
    { input: "4100621234567893", value: "4100621234567893", bank: "CMB", isCard: true, luhnWarning: false },
  ],
  [
    "ICBC 15-digit Amex-range card",
    { input: "370247123456781", value: "370247123456781", bank: "ICBC", isCard: true, luhnWarning: false },
  ],
  [
    "Luhn failure is a warning, not a rejection",
    { input: "6222 0210 0112 3456 780", value: "6222021001123456780", bank: "ICBC", isCard: true, luhnWarning: true },
  ],
  [
    "Luhn failure on a CCB card keeps the bank",
    { input: "6217001234567890123", value: "6217001234567890123", bank: "CCB", isCard: true, luhnWarning: true },
  ],
  [
    "full-width card digits",
    { input: fw("6222021001123456789"), value: "6222021001123456789", bank: "ICBC", isCard: true, luhnWarning: false },
  ],
  [
    "unknown BIN: card without bank",
    { input: "6229091234567890128", value: "6229091234567890128", bank: null, isCard: true, luhnWarning: false },
  ],
  [
    "12-digit account: not a card, no BIN, no Luhn",
    {
      input: "1234 5678 9012",
      value: "123456789012",
      display: "1234 5678 9012",
      bank: null,
      isCard: false,
      luhnWarning: false,
    },
  ],
  [
    "20-digit corporate account",
    { input: "3100 0000 1234 5678 9012", value: "31000000123456789012", bank: null, isCard: false, luhnWarning: false },
  ],
  [
    "corporate account starting with a card BIN has no BIN",
    { input: "62220212345678901234", value: "62220212345678901234", bank: null, isCard: false, luhnWarning: false },
  ],
  [
    "30-digit account is the longest allowed",
    { input: "1".repeat(30), value: "1".repeat(30), bank: null, isCard: false, luhnWarning: false },
  ],
];

describe("normalizeAccount accepts", () => {
  test.each(accounts)("%s", (_, row) => {
    const r = normalizeAccount(row.input);
    if (!r.ok) throw new Error(`rejected: ${r.reason}`);
    expect(r.value).toBe(row.value);
    expect(r.display).toBe(row.display ?? row.value.replace(/(\d{4})(?=\d)/g, "$1 "));
    expect(r.bank).toEqual(row.bank === null ? null : { code: row.bank, inferred: true });
    expect(r.isCard).toBe(row.isCard);
    expect(r.warnings).toEqual(row.luhnWarning ? [LUHN_WARNING] : []);
  });
});

const badAccounts: [string, string, string][] = [
  ["11 digits is too short", "12345678901", "too short (11 digits, need 12–30)"],
  ["31 digits is too long", "1".repeat(31), "too long (31 digits, at most 30)"],
  ["letters", "6222 0210 ABCD 3456", "contains letters"],
  ["dots are not account separators", "6222.0210.0112.3456.789", "contains characters other than digits"],
  ["empty", " - ", "empty"],
];

describe("normalizeAccount rejects", () => {
  test.each(badAccounts)("%s (%p)", (_, input, reason) => {
    const r = normalizeAccount(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(`not a valid bank account: ${reason}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Either: the kind is detected from the written form

const detected: [string, string, SuspectKind | null, string | null, string | null][] = [
  // [behaviour, input, kind, value, institution]
  ["11 digits starting with 1 → phone", "13800138000", "phone", "+8613800138000", "CMCC"],
  ["+ prefix → phone", "+86 189 1234 5678", "phone", "+8618912345678", "CTCC"],
  ["00 prefix → phone", "0086 186 1234 5678", "phone", "+8618612345678", "CUCC"],
  ["00 prefix foreign → phone", "00852 9123 4567", "phone", "+85291234567", null],
  ["86 + mobile (13 digits) → phone", "8618612345678", "phone", "+8618612345678", "CUCC"],
  ["13-digit IoT card → phone", "1410012345678", "phone", "+861410012345678", "CTCC"],
  ["bracketed area code → phone", "(010) 1234 5678", "phone", "+861012345678", null],
  ["0 + area code, 11 digits → phone", "01012345678", "phone", "+861012345678", null],
  ["0 + area code, 12 digits → phone when it is a landline", "075588888888", "phone", "+8675588888888", null],
  ["12 digits starting 0 that is no landline → account", "012345678901", "bank_account", "012345678901", null],
  [
    "19 digits starting 0 (branch-numbered account) → account",
    "0200 0012 3456 7890 123",
    "bank_account",
    "0200001234567890123",
    null,
  ],
  ["19-digit card → account", "6222 0210 0112 3456 789", "bank_account", "6222021001123456789", "ICBC"],
  ["16-digit card → account", "6225881234567898", "bank_account", "6225881234567898", "CMB"],
  ["full-width card → account", fw("6228480012345678903"), "bank_account", "6228480012345678903", "ABC"],
  ["13 digits not 86/IoT → account", "1234567890123", "bank_account", "1234567890123", null],
  ["25-digit account → account", "1234 5678 9012 3456 7890 12345", "bank_account", "1234567890123456789012345", null],
  ["MVNO number → phone without institution", "170 0123 4567", "phone", "+8617001234567", null],
];

describe("normalizeIdentifier detects the kind", () => {
  test.each(detected)("%s", (_, input, kind, value, institution) => {
    expect(detectKind(input)).toBe(kind);
    const r = normalizeIdentifier(input);
    if (!r.ok) throw new Error(`rejected: ${r.reason}`);
    expect(r.kind).toBe(kind as SuspectKind);
    expect(r.value).toBe(value as string);
    expect(r.institution).toEqual(institution === null ? null : { code: institution, inferred: true });
  });
});

const undetected: [string, string, string][] = [
  [
    "invalid Chinese mobile prefix is a phone rejection",
    "12345678901",
    "not a valid phone number: 123 is not a Chinese mobile prefix",
  ],
  ["5 digits is neither", "95599", "not a phone number or bank account: 5 digits"],
  ["31 digits is neither", "1".repeat(31), "not a phone number or bank account: 31 digits"],
  ["letters are neither", "fraud@example.com", "not a phone number or bank account: contains letters"],
  [
    "symbols are neither",
    "6222*0210*0112*3456",
    "not a phone number or bank account: contains characters other than digits",
  ],
  ["empty is neither", "", "not a phone number or bank account: empty"],
];

describe("normalizeIdentifier rejects", () => {
  test.each(undetected)("%s (%p)", (_, input, reason) => {
    expect(normalizeIdentifier(input)).toMatchObject({ ok: false, reason });
  });
});

describe("normalizeIdentifier with an explicit kind", () => {
  test("a 13-digit 86… value read as an account when the caller says so", () => {
    const r = normalizeIdentifier("8613800138000", "bank_account");
    expect(r).toMatchObject({ ok: true, kind: "bank_account", value: "8613800138000", institution: null });
  });

  test("an account-looking value is rejected as a phone when the caller says phone", () => {
    const r = normalizeIdentifier("6222021001123456789", "phone");
    expect(r.ok).toBe(false);
  });

  test("phone results carry the full phone detail; MVNO and IoT numbers say so in warnings", () => {
    const mvno = normalizeIdentifier("16512345678");
    expect(mvno).toMatchObject({ ok: true, kind: "phone", institution: null });
    if (mvno.ok && mvno.kind === "phone") {
      expect(mvno.phone.hostCarrier).toEqual({ code: "CMCC", inferred: true });
      expect(mvno.warnings[0]).toContain("virtual operator");
    }
    const iot = normalizeIdentifier("1440012345678");
    expect(iot.ok && iot.warnings).toEqual(["IoT card number (物联网卡)"]);
  });

  test("account results carry isCard and the Luhn warning", () => {
    const r = normalizeIdentifier("6217001234567890123");
    expect(r).toMatchObject({ ok: true, kind: "bank_account", warnings: [LUHN_WARNING] });
    if (r.ok && r.kind === "bank_account") expect(r.account.isCard).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers and data

describe("luhnValid", () => {
  test.each([
    ["79927398713", true],
    ["6222021001123456789", true],
    ["6222021001123456780", false],
    ["0", true],
    ["", false],
    ["1234-5678", false],
  ] as [string, boolean][])("%p → %p", (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });
});

describe("toHalfWidth", () => {
  test("turns full-width digits, plus, dash and the ideographic space into ASCII", () => {
    expect(toHalfWidth("＋８６　１３８－００１３")).toBe("+86 138-0013");
  });
  test("leaves ASCII and Chinese text alone", () => {
    expect(toHalfWidth("abc 123 工商银行")).toBe("abc 123 工商银行");
  });
});

describe("range and BIN data", () => {
  const sample = (prefix: string, length: number) => prefix + "1234567890123".slice(0, length - prefix.length);

  test("every 11-digit mobile range the carrier table knows is a valid CN mobile for libphonenumber, except 149", () => {
    // The fast path skips libphonenumber for these ranges, so they must agree with it.
    const prefixes = MOBILE_RANGES.filter((r) => r.length === 11).flatMap((r) => r.prefixes.split(" "));
    expect(prefixes.length).toBeGreaterThan(50);
    for (const prefix of prefixes) {
      const n = sample(prefix, 11);
      const lib = parsePhoneNumberWithError(n, "CN");
      const agrees = lib.isValid() && lib.getType() === "MOBILE";
      expect({ prefix, agrees }).toEqual({ prefix, agrees: prefix !== "149" });
      expect(inferCarrier(n)).not.toBeNull();
    }
  });

  test("the BIN table covers the seven seeded banks with 20+ prefixes each and no prefix twice", () => {
    const banks = (binData as { banks: Record<string, { prefixes: string[]; shortPrefixes: Record<string, number> }> })
      .banks;
    expect(Object.keys(banks).sort()).toEqual(["ABC", "BOC", "BOCOM", "CCB", "CMB", "ICBC", "PSBC"]);
    const seen = new Map<string, string>();
    for (const [code, bank] of Object.entries(banks)) {
      expect(bank.prefixes.length).toBeGreaterThanOrEqual(20);
      for (const p of [...bank.prefixes, ...Object.keys(bank.shortPrefixes)]) {
        expect(p).toMatch(/^\d{3,10}$/);
        expect(seen.get(p) ?? code).toBe(code);
        seen.set(p, code);
      }
      for (const p of bank.prefixes) expect(inferBank(sample(p, 19))).toEqual({ code, inferred: true });
    }
  });
});

describe("refusal reasons in both languages", () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  test.each(Object.entries(REASONS))("%s has a Chinese text with the English one's placeholders", (_, text) => {
    expect(text.zh).not.toBe(text.en);
    expect(/[\u4e00-\u9fff]/.test(text.zh)).toBe(true);
    expect(placeholders(text.zh)).toEqual(placeholders(text.en));
  });

  test("a refusal carries its code and parameters, and the English filled in for the API", () => {
    expect(normalizeAccount("6222 0212")).toEqual({
      ok: false,
      code: "account.too_short",
      params: { n: 8 },
      reason: "not a valid bank account: too short (8 digits, need 12–30)",
    });
  });

  test("the interface shows a refusal in the reader's language", () => {
    const r = normalizeAccount("6222 0212");
    if (r.ok) throw new Error("expected a refusal");
    expect(translator("zh")(`reason.${r.code}`, r.params)).toBe("不是有效的银行账号：位数太少（8 位，应为 12–30 位）");
    expect(translator("en")(`reason.${r.code}`, r.params)).toBe(r.reason);
  });
});

// Written values each refusal code of the identifier and ID-number rules comes from.
type Check = () => { ok: true } | Refusal;
const refusals: [string, Check][] = [
  ...badPhones.map(([name, input]): [string, Check] => [`phone: ${name}`, () => normalizePhone(input)]),
  ["phone: unknown range of a non-geographic code", () => normalizePhone("+870 1234 56789")],
  ["phone: wrong length for the country", () => normalizePhone("+44 20 7946 09")],
  ...badAccounts.map(([name, input]): [string, Check] => [`account: ${name}`, () => normalizeAccount(input)]),
  ...undetected.map(([name, input]): [string, Check] => [`either: ${name}`, () => normalizeIdentifier(input)]),
  ["ID number: too long", () => normalizeIdNumber("1".repeat(31))],
  ["ID number: wrong check character", () => normalizeIdNumber("110105194912310021")],
  ["ID number: a digit missing", () => normalizeIdNumber("11010519491231002")],
  ["ID number: a symbol", () => normalizeIdNumber("E1234567!")],
];
const refusalOf = (check: Check): Refusal => {
  const r = check();
  if (r.ok) throw new Error("expected a refusal");
  return r;
};

describe("every identifier refusal a page can show is in both dictionaries", () => {
  test.each(refusals)("%s", (_, check) => {
    const r = refusalOf(check);
    const zh = refusalText(translator("zh"), r);
    const en = refusalText(translator("en"), r);
    for (const text of [zh, en]) expect(text).not.toBe(`reason.${r.code}`);
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(en).toBe(r.reason);
  });

  test("the written values above reach every identifier and ID-number code", () => {
    const reached = new Set<string>(refusals.map(([, check]) => refusalOf(check).code));
    // phone.unreadable is the fallback for a libphonenumber error no written value is known to cause
    const codes = Object.keys(REASONS).filter(
      (c) => /^(phone|account|identifier|id_number)\./.test(c) && c !== "phone.unreadable",
    );
    expect(codes.filter((c) => !reached.has(c))).toEqual([]);
  });
});

describe("display", () => {
  test("a stored phone reads in its spaced national form, a foreign one with its country code, anything else as stored", () => {
    expect(formatPhone("+8613800138000")).toBe("138 0013 8000");
    expect(formatPhone("+861012345678")).toBe("010 1234 5678");
    expect(formatPhone("+14155552671")).toBe("+1 415 555 2671");
    expect(formatPhone("not a phone")).toBe("not a phone");
    expect(formatPhone(null)).toBe("");
  });

  test("each note a number can carry is known by its code, with the host carrier of a virtual operator's range", () => {
    expect(warningCode(LUHN_WARNING)).toEqual({ code: "luhn" });
    const mvno = normalizeIdentifier("17001234567");
    expect(mvno.ok && mvno.warnings.map(warningCode)).toEqual([{ code: "mvno", host: "CTCC" }]);
    const iot = normalizeIdentifier("1440123456789", "phone");
    expect(iot.ok && iot.warnings.map(warningCode)).toEqual([{ code: "iot" }]);
    expect(warningCode("something else")).toBeNull();
  });
});
