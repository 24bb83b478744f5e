// The canonical form of a signed instruction. Pure. Canonical JSON here: object keys sorted by
// UTF-16 code units (as JavaScript sorts), no whitespace, strings and integers as JSON.stringify
// writes them, keys with undefined values left out, arrays in their order; then UTF-8. The
// values signed are strings, integers, booleans, null, arrays and objects (money is integer fen,
// times are ISO 8601 strings), so this coincides with RFC 8785 (JCS) for every payload we sign.

export type Canonical = string | number | boolean | null | Canonical[] | { [k: string]: Canonical | undefined };

export function canonicalJson(value: Canonical): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON carries integers only, not ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(",")}}`;
}

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Instruction kinds and the character in their document number (止字, 冻字 …). */
const DOCUMENT_CHAR = {
  stop_payment: "止",
  renew_stop_payment: "续止",
  release_stop_payment: "解止",
  freeze: "冻",
  renew_freeze: "续冻",
  release_freeze: "解冻",
  return: "返",
  suspend_number: "停",
  restore_number: "复",
  close_card: "断",
} as const;
export type DocumentKind = keyof typeof DOCUMENT_CHAR;

/** 某公反诈止字〔2026〕第000123号: the center's short name, the kind's character, the year, six digits. */
export function documentNumber(short: string, kind: DocumentKind, year: number, seq: number): string {
  return `${short}反诈${DOCUMENT_CHAR[kind]}字〔${year}〕第${String(seq).padStart(6, "0")}号`;
}

/** Requests that are themselves the renewal or release of a freeze, and their instruction. */
const SENT_AS: Record<string, DocumentKind> = { freeze_renewal: "renew_freeze", freeze_release: "release_freeze" };

/**
 * The instruction a center action sends: the request itself (a freeze's renewal and release are
 * requests of their own), or the second stop or the lifting of a stop-payment on the same request.
 */
export function documentKindOf(requestKind: string, action: "send" | "renew" | "release"): DocumentKind | null {
  if (action === "send")
    return SENT_AS[requestKind] ?? (requestKind in DOCUMENT_CHAR ? (requestKind as DocumentKind) : null);
  return requestKind === "stop_payment" ? (`${action}_stop_payment` as DocumentKind) : null;
}
