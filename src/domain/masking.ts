// Masking of personal data for roles that must not see it (张*, 138****8000).

export function maskName(name: string | null | undefined): string {
  if (!name) return "";
  const chars = [...name.trim()];
  if (chars.length <= 1) return "*";
  // Latin names: keep the first letter of each word
  if (/^\p{ASCII}+$/u.test(name))
    return name
      .trim()
      .split(/\s+/)
      .map((w) => w[0] + "*".repeat(Math.max(1, w.length - 1)))
      .join(" ");
  return chars[0] + "*".repeat(chars.length - 1);
}

export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "";
  const digits = phone.replace(/\D/g, "");
  const national = digits.startsWith("86") && digits.length === 13 ? digits.slice(2) : digits;
  if (national.length < 7) return "*".repeat(national.length);
  return national.slice(0, 3) + "****" + national.slice(-4);
}

export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return "";
  if (id.length < 8) return "*".repeat(id.length);
  return id.slice(0, 4) + "*".repeat(id.length - 8) + id.slice(-4);
}

export function maskAccount(account: string | null | undefined): string {
  if (!account) return "";
  const digits = account.replace(/\D/g, "");
  if (digits.length < 8) return "*".repeat(digits.length);
  return digits.slice(0, 4) + " **** **** " + digits.slice(-4);
}

// A run of digits in free text, written with single spaces, dashes or dots between groups, in
// half- or full-width digits, optionally ending in the X of an ID number.
const SEP = "[ \\t\\u3000\\-－‐–—.．]";
const DIGIT = "[0-9０-９]";
const DIGIT_RUN = new RegExp(`${DIGIT}(?:${SEP}?${DIGIT})*(?:${SEP}?[xXｘＸ])?`, "g");
const DIGIT_CHAR = new RegExp(DIGIT, "g");

/** Digits in a run long enough to be a phone number (7 with a landline), an account or an ID number. */
const FREE_TEXT_DIGITS = 7;

/**
 * Free text (a district, a note) as publicity may see it: every run of 7 or more digits that could
 * be a phone number, an account or an ID number is masked — 11 or more keep their first 3 and last
 * 4 characters like a phone (139****2222), shorter ones are all stars. Other text is left as written.
 */
export function maskFreeText(text: string): string;
export function maskFreeText(text: string | null): string | null;
export function maskFreeText(text: string | null): string | null {
  if (!text) return text;
  return text.replace(DIGIT_RUN, (run) => {
    const n = run.match(DIGIT_CHAR)!.length;
    if (n < FREE_TEXT_DIGITS) return run;
    const chars = run.replace(new RegExp(SEP, "g"), "");
    return n >= 11 ? chars.slice(0, 3) + "*".repeat(chars.length - 7) + chars.slice(-4) : "*".repeat(chars.length);
  });
}
