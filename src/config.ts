// Environment → typed configuration. Every variable has an embedded default so that
// `npm start` works on a fresh machine; a bad value stops start-up naming the variable.
import { isIP } from "node:net";
import { z } from "zod";
import type { DeadlineConfig } from "./domain/requests";

const minutes = (n: number) => n * 60_000;
/** "10.0.0.0/8", "::1" (a single address is its own /32 or /128), or null when it is neither. */
function parseCidr(s: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [address = "", bits, ...rest] = s.split("/");
  const v = isIP(address);
  if (!v || rest.length) return null;
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  return prefix >= 0 && prefix <= max ? { address, prefix, family: v === 4 ? "ipv4" : "ipv6" } : null;
}
const list = (csv: string, unitMs: number) =>
  csv
    .split(",")
    .map((n) => Number(n) * unitMs)
    .sort((a, b) => b - a);

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_PATH: z.string().min(1).default("./data/fanzha.sqlite"),
  // PostgreSQL instead of the SQLite file when set (it wins over DATABASE_PATH)
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // FULL: a commit is on disk when it returns, even across a power cut (README: Durability)
  DATABASE_SYNCHRONOUS: z.enum(["FULL", "NORMAL"], "must be FULL or NORMAL").default("FULL"),
  BACKUP_DIR: z.string().min(1).default("./data/backups"),
  // 0 turns scheduled backups off; at most a week (a timer cannot wait longer than 24.8 days)
  BACKUP_EVERY_HOURS: z.coerce.number().min(0).max(168).default(6),
  BACKUP_KEEP: z.coerce.number().int().min(1).default(12),
  PUBLIC_BASE_URL: z.url().optional(),
  FANZHA_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  // "auto": load demo data when the database is new; "true"/"false" force it
  FANZHA_DEMO: z.enum(["auto", "true", "false"]).default("auto"),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, "must look like AC followed by 32 hex digits")
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_FROM: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +8610xxxxxxxx")
    .optional(),
  OUTBOX_DIR: z.string().min(1).default("./data/outbox"),
  // traffic-light deadlines, minutes
  WARNING_DEADLINE_HIGH_MIN: z.coerce.number().positive().default(10),
  WARNING_DEADLINE_MEDIUM_MIN: z.coerce.number().positive().default(60),
  WARNING_DEADLINE_LOW_MIN: z.coerce
    .number()
    .positive()
    .default(24 * 60),
  QUEUE_LEASE_MIN: z.coerce.number().positive().default(5),
  REQUEST_ACK_DEADLINE_MIN: z.coerce.number().positive().default(5),
  REQUEST_STOP_PAYMENT_DEADLINE_MIN: z.coerce.number().positive().default(30),
  REQUEST_FREEZE_DEADLINE_MIN: z.coerce.number().positive().default(240),
  REQUEST_SUSPEND_DEADLINE_MIN: z.coerce.number().positive().default(120),
  REQUEST_RESTORE_DEADLINE_MIN: z.coerce.number().positive().default(120),
  REQUEST_CLOSE_CARD_DEADLINE_MIN: z.coerce
    .number()
    .positive()
    .default(24 * 60),
  // returns: on the spot or within 3 working days of the Chinese calendar (domain/workdays.ts)
  RETURN_WORKING_DAYS: z.coerce.number().int().min(1).max(30).default(3),
  // reminders before a stop-payment expires (hours) and before a freeze lapses (days)
  STOP_PAYMENT_REMINDER_HOURS: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must be a comma-separated list of whole hours")
    .default("12,2"),
  FREEZE_REMINDER_DAYS: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must be a comma-separated list of whole days")
    .default("30,7,1"),
  SESSION_HOURS: z.coerce.number().positive().default(12),
  // requests a minute per API token (a burst up to it passes); 0 turns the limit off
  API_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(0).default(6000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // one JSON line per request on standard output (http/log.ts)
  ACCESS_LOG: z.enum(["true", "false"], "must be true or false").default("true"),
  // reverse proxies whose X-Forwarded-For is believed: addresses or CIDRs, comma-separated
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .refine(
      (v) => v.split(",").every((e) => !e.trim() || parseCidr(e.trim())),
      "must be a comma-separated list of IP addresses or CIDRs (10.0.0.0/8, ::1)",
    ),
  // the center as its notices name it, and the short name that opens its document numbers
  CENTER_NAME: z.string().trim().min(2).max(60).default("某市公安局反电信网络诈骗中心"),
  // send the level n+1 stop-payment as soon as a bank reports money moved on (else a draft, one click)
  ONWARD_AUTO_SEND: z.enum(["true", "false"], "must be true or false").default("false"),
  CENTER_SHORT: z
    .string()
    .trim()
    .min(1)
    .max(8)
    .regex(/^[^\s〔〕]+$/, "must be a few characters without spaces or 〔〕")
    .default("某公"),
});

export type Config = {
  port: number;
  host: string;
  databasePath: string;
  /** PostgreSQL's URL when the center runs on it; else the SQLite file at databasePath. */
  databaseUrl: string | null;
  databaseSynchronous: "FULL" | "NORMAL";
  /** Scheduled backups: where, how often (0 = off), how many newest to keep. */
  backup: { dir: string; everyMs: number; keep: number };
  publicBaseUrl: string;
  secureCookies: boolean;
  adminPassword?: string;
  demo: "auto" | "true" | "false";
  twilio?: { accountSid: string; authToken: string; from: string };
  outboxDir: string;
  warningDeadlineMs: { high: number; medium: number; low: number };
  queueLeaseMs: number;
  requestDeadlineMs: DeadlineConfig["requestDeadlineMs"];
  returnWorkingDays: DeadlineConfig["returnWorkingDays"];
  requestReminderMs: DeadlineConfig["requestReminderMs"];
  sessionMs: number;
  /** Requests a minute per API token, 0 = no limit (api/rate-limit.ts). */
  apiRateLimitPerMin: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** One line per request (id, method, route pattern, status, ms). */
  accessLog: boolean;
  /** Direct peers whose X-Forwarded-For names the client (auth/middleware.ts clientIp). */
  trustedProxies: { address: string; prefix: number; family: "ipv4" | "ipv6" }[];
  /** The issuing center on notices: 某市公安局反电信网络诈骗中心 / 某公 (document numbers 某公反诈止字〔2026〕第000123号). */
  center: { name: string; short: string };
  /** A reported onward transfer's stop-payment is sent at once, not left as a draft (requests/onward.ts). */
  onwardAutoSend: boolean;
};

/** A setting that cannot be: start-up and the CLI print it and stop; it never reaches HTTP, so it is no AppError. */
export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // empty strings mean "unset", as in most shells' `VAR= cmd`
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const twilioVars = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM];
  if (twilioVars.some(Boolean) && !twilioVars.every(Boolean)) {
    throw new ConfigError(
      "Invalid configuration:\n  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together (or none, for the local outbox)",
    );
  }
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL ?? null,
    databaseSynchronous: e.DATABASE_SYNCHRONOUS,
    backup: { dir: e.BACKUP_DIR, everyMs: e.BACKUP_EVERY_HOURS * 3_600_000, keep: e.BACKUP_KEEP },
    publicBaseUrl,
    secureCookies: publicBaseUrl.startsWith("https://"),
    adminPassword: e.FANZHA_ADMIN_PASSWORD,
    demo: e.FANZHA_DEMO,
    twilio: e.TWILIO_ACCOUNT_SID
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN!, from: e.TWILIO_FROM! }
      : undefined,
    outboxDir: e.OUTBOX_DIR,
    warningDeadlineMs: {
      high: minutes(e.WARNING_DEADLINE_HIGH_MIN),
      medium: minutes(e.WARNING_DEADLINE_MEDIUM_MIN),
      low: minutes(e.WARNING_DEADLINE_LOW_MIN),
    },
    queueLeaseMs: minutes(e.QUEUE_LEASE_MIN),
    requestDeadlineMs: {
      acknowledge: minutes(e.REQUEST_ACK_DEADLINE_MIN),
      stop_payment: minutes(e.REQUEST_STOP_PAYMENT_DEADLINE_MIN),
      freeze: minutes(e.REQUEST_FREEZE_DEADLINE_MIN),
      suspend_number: minutes(e.REQUEST_SUSPEND_DEADLINE_MIN),
      restore_number: minutes(e.REQUEST_RESTORE_DEADLINE_MIN),
      close_card: minutes(e.REQUEST_CLOSE_CARD_DEADLINE_MIN),
    },
    returnWorkingDays: e.RETURN_WORKING_DAYS,
    requestReminderMs: {
      stop_payment: list(e.STOP_PAYMENT_REMINDER_HOURS, 3_600_000),
      freeze: list(e.FREEZE_REMINDER_DAYS, 86_400_000),
    },
    sessionMs: e.SESSION_HOURS * 3_600_000,
    apiRateLimitPerMin: e.API_RATE_LIMIT_PER_MIN,
    logLevel: e.LOG_LEVEL,
    accessLog: e.ACCESS_LOG === "true",
    onwardAutoSend: e.ONWARD_AUTO_SEND === "true",
    trustedProxies: e.TRUSTED_PROXIES.split(",")
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => parseCidr(x)!),
    center: { name: e.CENTER_NAME, short: e.CENTER_SHORT },
  };
}
