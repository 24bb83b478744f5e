// Masking of personal data for roles that must not see it (张*, 138****8000).

export function maskName(name: string | null | undefined): string {
  if (!name) return "";
  const chars = [...name.trim()];
  if (chars.length <= 1) return "*";
  // Latin names: keep the first letter of each word
  if (/^[\x00-\x7f]+$/.test(name)) return name.trim().split(/\s+/).map((w) => w[0] + "*".repeat(Math.max(1, w.length - 1))).join(" ");
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
