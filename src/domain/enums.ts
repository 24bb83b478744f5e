// The value sets the database stores (drizzle's text enums): one tuple each, here so that the
// schema, the rules, the forms and the views all take them from one place below them.

export const ROLES = ["agent", "bank", "carrier", "publicity", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const APPROVAL_STATES = ["pending", "rejected"] as const;

export const FRAUD_TYPES = [
  "task_rebate",
  "fake_investment",
  "fake_loan",
  "fake_customer_service",
  "impersonating_police",
  "impersonating_acquaintance",
  "game_trading",
  "romance",
  "fake_credit",
  "other",
] as const;
export const CASE_STATUSES = ["received", "filed", "solved", "closed"] as const;
export const SUSPECT_KINDS = ["phone", "bank_account"] as const;
export const RISK_LEVELS = ["high", "medium", "low"] as const;
export const SUSPECT_STATUSES = ["active", "requested", "cut_off", "stopped", "frozen", "cleared"] as const;

export const TARGET_REASONS = ["contacted_by", "paying_to", "other"] as const;
export const TARGET_SOURCES = ["manual", "import", "feed"] as const;
export const WARNING_CHANNELS = ["call", "sms", "manual_call", "visit"] as const;
/** What a follow-up review (复核回访) found. */
export const FOLLOW_UP_OUTCOMES = ["safe", "at_risk", "unreachable"] as const;
export const WARNING_OUTCOMES = [
  "dissuaded",
  "not_at_risk",
  "already_paid",
  "unreachable",
  "wrong_number",
  "refused",
] as const;

// freeze_renewal (继续冻结) and freeze_release (解除冻结) are instructions on a freeze in force
// (their parent): the bank confirms them like any request, and only then does the freeze change.
export const REQUEST_KINDS = [
  "stop_payment",
  "freeze",
  "return",
  "suspend_number",
  "restore_number",
  "close_card",
  "freeze_renewal",
  "freeze_release",
] as const;
/** A freeze holds 6 months; 12 for a major, complex case with a city-level approval. */
export const FREEZE_TERMS = ["6m", "12m"] as const;
/** A sum on the account, or the whole account. */
export const FREEZE_SCOPES = ["amount", "account"] as const;
/** Why a bank refuses: what it checked did not match (plus any other reason, in words). */
export const REJECT_CODES = [
  "name_mismatch",
  "no_such_transaction",
  "account_mismatch",
  "amount_mismatch",
  "other",
] as const;
export const REQUEST_STATUSES = [
  "draft",
  "sent",
  "acknowledged",
  "completed",
  "partially_completed",
  "rejected",
  "failed",
  "expired",
  "lapsed",
  "released",
  // a draft the center decided not to send (an appeal not upheld, an onward account already frozen)
  "discarded",
] as const;
const RESPONSE_ACTIONS = ["acknowledge", "confirm", "partial", "reject", "fail", "appeal", "release"] as const;
// Every transition is a row in responses (the request's timeline): the institution's answers
// above, plus the center's and the clock's.
export const HISTORY_ACTIONS = [...RESPONSE_ACTIONS, "send", "renew", "expire", "lapse", "discard"] as const;

/** Each instruction kind has its own number series per year (…反诈止字〔2026〕第000123号). */
export const DOCUMENT_KINDS = [
  "stop_payment",
  "renew_stop_payment",
  "release_stop_payment",
  "freeze",
  "renew_freeze",
  "release_freeze",
  "return",
  "suspend_number",
  "restore_number",
  "close_card",
] as const;
export const RETURN_METHODS = ["traced", "pro_rata"] as const;
