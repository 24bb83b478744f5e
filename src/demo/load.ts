// `cli demo` and the first start: two years of realistic records so every screen, and the
// year-on-year view, shows something real. Deterministic (seeded), written in one transaction.
import { Database } from "bun:sqlite";
import { eq } from "drizzle-orm";
import { createUser } from "../auth/service";
import { transaction } from "../db";
import { users } from "../db/schema";
import { institutionIds } from "../db/seed";
import { seedDistricts } from "../districts/service";
import type { Role } from "../domain/access";
import { idCheckCharacter } from "../domain/cases";
import { FRAUD_TYPES } from "../domain/enums";
import { expiryAfter } from "../domain/requests";
import { shanghaiDate } from "../domain/time";
import type { Deps } from "../http/context";
import { type DemoStatement, pgDemoStatements } from "./load-pg";

type DemoStatementName =
  | "insCase"
  | "insSuspect"
  | "insSource"
  | "insLink"
  | "insTarget"
  | "insWarning"
  | "insRequest"
  | "insCaseTx"
  | "insRequestTx"
  | "setChecks"
  | "insResponse";

export const DEMO_PASSWORD = "fanzha-demo";

export const DEMO_USERS: { username: string; role: Role; institution?: string; displayName: string }[] = [
  { username: "agent", role: "agent", displayName: "王坐席" },
  { username: "agent2", role: "agent", displayName: "李坐席" },
  { username: "icbc", role: "bank", institution: "ICBC", displayName: "工行驻点 赵" },
  { username: "ccb", role: "bank", institution: "CCB", displayName: "建行驻点 钱" },
  { username: "cmcc", role: "carrier", institution: "CMCC", displayName: "移动驻点 孙" },
  { username: "publicity", role: "publicity", displayName: "宣传组 周" },
  { username: "supervisor", role: "supervisor", displayName: "指挥长 吴" },
];

const DISTRICTS = ["东城区", "西城区", "南山区", "北湖区", "高新区", "江滨区", "城关区", "开发区"];
const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰";
// weight of each fraud type in alerts (task/rebate and investment scams dominate)
const FRAUD_WEIGHTS = [24, 18, 12, 12, 8, 8, 5, 6, 5, 2];
const PHONE_PREFIXES: [string, string][] = [
  ["138", "CMCC"],
  ["139", "CMCC"],
  ["188", "CMCC"],
  ["186", "CUCC"],
  ["155", "CUCC"],
  ["133", "CTCC"],
  ["189", "CTCC"],
  ["192", "CBN"],
  ["170", ""],
];
const BINS: [string, string][] = [
  ["622202", "ICBC"],
  ["622848", "ABC"],
  ["621660", "BOC"],
  ["621700", "CCB"],
  ["622260", "BOCOM"],
  ["622188", "PSBC"],
  ["622588", "CMB"],
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function loadDemo(deps: Deps) {
  const { db, clock } = deps;
  const made = [];
  const idOf = async (username: string) =>
    (await db.select({ id: users.id }).from(users).where(eq(users.username, username)).get())?.id;
  for (const u of DEMO_USERS) {
    if ((await idOf(u.username)) == null) await createUser(db, { ...u, password: DEMO_PASSWORD });
    made.push(u);
  }
  const ids = await institutionIds(db);
  const userId = async (name: string) => (await idOf(name))!;
  const agents = [await userId("agent"), await userId("agent2")];
  const SEED = 20261121;
  let r = rng(SEED);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const weighted = () => {
    let x = r() * FRAUD_WEIGHTS.reduce((a, b) => a + b, 0);
    for (let i = 0; i < FRAUD_WEIGHTS.length; i++) {
      x -= FRAUD_WEIGHTS[i]!;
      if (x < 0) return FRAUD_TYPES[i]!;
    }
    return "other";
  };
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join("");
  const name = () => pick([...SURNAMES]) + pick([...GIVEN]) + (r() < 0.5 ? pick([...GIVEN]) : "");
  const phone = () => {
    const [p, carrier] = pick(PHONE_PREFIXES);
    return { value: `+86${p}${digits(8)}`, carrier };
  };
  const account = () => {
    const [bin, bank] = pick(BINS);
    return { value: bin + digits(13), bank };
  };
  // what the banks check (holders, the victims' transfers) and freeze terms come from a stream of
  // their own, so the rest of the demo stays as it was
  const r2 = rng(20261204);
  const pick2 = <T>(a: readonly T[]) => a[Math.floor(r2() * a.length)]!;
  const holder = () => pick2([...SURNAMES]) + pick2([...GIVEN]) + (r2() < 0.5 ? pick2([...GIVEN]) : "");
  const digits2 = (n: number) => Array.from({ length: n }, () => Math.floor(r2() * 10)).join("");
  const now = clock.now();
  const DAY = 86_400_000;
  // the center's list: the districts the demo's cases and targets name
  await seedDistricts(db, DISTRICTS, now);
  /** A resident ID whose birth date gives `age` on the Shanghai date of `at`, with its check character. */
  const idNumber = (at: number, age: number) => {
    const [y, m, d] = shanghaiDate(at).split("-").map(Number) as [number, number, number];
    const bm = 1 + Math.floor(r() * 12);
    const bd = 1 + Math.floor(r() * 28);
    // not yet had this year's birthday on that day: born a year earlier
    const year = y - age - (bm > m || (bm === m && bd > d) ? 1 : 0);
    const first17 = `${pick(["110101", "440305", "320102", "510104"])}${year}${String(bm).padStart(2, "0")}${String(bd).padStart(2, "0")}${digits(3)}`;
    return first17 + idCheckCharacter(first17);
  };
  const start = now - 730 * DAY;

  // a bulk writer (two years of demo data at first start), like the suspects import: the driver's
  // statements, outside the drizzle-only rule, since this runs before the first sign-in
  const bankUser = await userId("icbc");
  const cmccUser = await userId("cmcc");
  const deadlines = deps.config.requestDeadlineMs;
  const sql = db.$client;
  if (!(sql instanceof Database)) {
    // PostgreSQL: the same calls, the rows kept and written a table at a time (demo/load-pg.ts)
    await transaction(db, async (tx) => {
      const pg = await pgDemoStatements(tx);
      r = rng(SEED); // a retried transaction (serialization failure, lost connection) writes the same records
      generate(pg.statements);
      await pg.flush();
    });
    return made;
  }
  const statements: Record<DemoStatementName, DemoStatement> = {
    insCase: sql.prepare(
      `insert into cases (received_at, district, fraud_type, loss_fen, victim_name, victim_phone, victim_id_number, victim_age, narrative, status, filed_at, solved_at, closed_at, suspects_detained, created_by, created_at, updated_at)
     values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
    ),
    insSuspect: sql.prepare(
      `insert into suspects (kind, value, institution_id, institution_inferred, risk_level, status, first_seen_at, last_seen_at, sightings, holder_name)
     values (?,?,?,1,?,?,?,?,?,?) on conflict do nothing returning id`,
    ),
    insSource: sql.prepare(`insert or ignore into suspect_sources (suspect_id, source, first_at) values (?,?,?)`),
    insLink: sql.prepare(
      `insert or ignore into case_suspects (case_id, suspect_id, level, parent_suspect_id, created_at) values (?,?,?,?,?)`,
    ),
    insTarget: sql.prepare(
      `insert into targets (phone, name, district, age, reason, suspect_id, risk_grade, source, amount_at_risk_fen, status, available_at, due_at, outcome, closed_at, created_at, updated_at)
     values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) on conflict do nothing returning id`,
    ),
    insWarning: sql.prepare(
      `insert into warnings (target_id, agent_id, channel, outcome, note, provider_status, created_at, updated_at) values (?,?,?,?,?,?,?,?)`,
    ),
    insRequest: sql.prepare(
      `insert into requests (kind, status, case_id, suspect_id, institution_id, level, amount_fen, done_amount_fen, balance_fen, created_by, created_at, sent_at, acknowledged_at, responded_at, effective_at, expires_at, deadline_at, updated_at, parent_request_id)
     values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) returning id`,
    ),
    insCaseTx: sql.prepare(
      `insert into case_transactions (case_id, suspect_id, at, amount_fen, payer_account, payer_name, serial_no) values (?,?,?,?,?,?,?)`,
    ),
    insRequestTx: sql.prepare(
      `insert into request_transactions (request_id, at, amount_fen, payer_account, payer_name, serial_no) values (?,?,?,?,?,?)`,
    ),
    setChecks: sql.prepare(
      `update requests set holder_name = ?, term = ?, approval_by = ?, approval_at = ?, approval_ref = ?, scope = ?, includes_interest = ? where id = ?`,
    ),
    insResponse: sql.prepare(
      `insert into responses (request_id, action, from_status, to_status, amount_fen, balance_fen, reason, user_id, at) values (?,?,?,?,?,?,?,?,?)`,
    ),
  };
  sql.transaction(() => generate(statements))();
  return made;

  /** Two years of records, through the engine's statements. */
  function generate({
    insCase,
    insSuspect,
    insSource,
    insLink,
    insTarget,
    insWarning,
    insRequest,
    insCaseTx,
    insRequestTx,
    setChecks,
    insResponse,
  }: Record<DemoStatementName, DemoStatement>) {
    for (let day = 0; day < 730; day++) {
      const dayStart = start + day * DAY;
      const thisYear = day >= 365;
      // this year: fewer alerts (两降), more solved and detained (两升)
      const perDay = Math.round((thisYear ? 7 : 8) + r() * 4 - (day % 7 === 0 ? 2 : 0));
      for (let k = 0; k < perDay; k++) {
        const at = dayStart + Math.floor(r() * DAY);
        if (at > now) continue;
        const fraud = weighted();
        const loss = Math.round((500 + r() * r() * 300_000) * 100);
        const age = now - at;
        const filed = r() < (thisYear ? 0.7 : 0.75) && age > 2 * DAY;
        const solved = filed && r() < (thisYear ? 0.32 : 0.26) && age > 20 * DAY;
        const status = solved ? "solved" : filed ? "filed" : "received";
        const detained = solved ? 1 + Math.floor(r() * (thisYear ? 4 : 3)) : 0;
        const v = phone();
        const victimAge = 18 + Math.floor(r() * 60);
        const district = pick(DISTRICTS);
        const victimName = name();
        const { id: caseId } = insCase.get(
          at,
          district,
          fraud,
          loss,
          victimName,
          v.value,
          idNumber(at, victimAge),
          victimAge,
          null,
          status,
          filed ? at + DAY : null,
          solved ? at + 15 * DAY : null,
          null,
          detained,
          agents[k % 2],
          at,
          at,
        ) as { id: number };
        // the number that called the victim, and the level-1 account they paid
        const p = phone();
        const a = account();
        const recent = age < 3 * DAY;
        const pRow = insSuspect.get(
          "phone",
          p.value,
          ids.get(p.carrier) ?? null,
          pick(["high", "medium"]),
          recent ? "active" : "cut_off",
          at,
          at,
          1,
          null,
        ) as { id: number } | null;
        const holderName = holder();
        const aRow = insSuspect.get(
          "bank_account",
          a.value,
          ids.get(a.bank)!,
          "high",
          recent ? "active" : "frozen",
          at,
          at,
          1,
          holderName,
        ) as { id: number } | null;
        if (pRow) {
          insSource.run(pRow.id, "demo", at);
          insLink.run(caseId, pRow.id, 1, null, at);
        }
        if (!aRow) continue;
        insSource.run(aRow.id, "demo", at);
        insLink.run(caseId, aRow.id, 1, null, at);
        // the victim's transfers into the account (one or two), minutes before the alert
        const payer = "622848" + digits2(13);
        const first = r2() < 0.4 ? Math.round(loss * (0.3 + r2() * 0.4)) : loss;
        const transfers = [first, loss - first]
          .filter((x) => x > 0)
          .map((amount, i) => ({ at: at - (40 - i * 15) * 60_000, amount, serial: digits2(20) }));
        for (const x of transfers) insCaseTx.run(caseId, aRow.id, x.at, x.amount, payer, victimName, x.serial);
        const traced = (requestId: number) => {
          for (const x of transfers) insRequestTx.run(requestId, x.at, x.amount, payer, victimName, x.serial);
        };
        // stop-payment to the account's bank; older ones were answered and followed by a freeze
        const bankId = ids.get(a.bank)!;
        if (recent && r() < 0.6) {
          // some went out minutes ago, so the desks show green and yellow lights as well as red
          const sent = r() < 0.5 ? now - Math.floor(r() * 40) * 60_000 : Math.min(at + 10 * 60_000, now);
          const acked = r() < 0.5 && now - sent > 3 * 60_000;
          const { id: open } = insRequest.get(
            "stop_payment",
            acked ? "acknowledged" : "sent",
            caseId,
            aRow.id,
            bankId,
            1,
            loss,
            null,
            null,
            agents[0],
            sent,
            sent,
            acked ? sent + 3 * 60_000 : null,
            null,
            null,
            null,
            acked ? sent + deadlines.stop_payment : sent + deadlines.acknowledge,
            sent,
            null,
          ) as { id: number };
          setChecks.run(holderName, null, null, null, null, null, null, open);
          traced(open);
          insResponse.run(open, "send", "draft", "sent", null, null, null, agents[0], sent);
          if (acked)
            insResponse.run(open, "acknowledge", "sent", "acknowledged", null, null, null, bankUser, sent + 3 * 60_000);
        } else if (!recent && r() < 0.8) {
          const sent = at + (5 + Math.floor(r() * 30)) * 60_000;
          const stopAt = sent + (5 + Math.floor(r() * 25)) * 60_000;
          const stopped = Math.min(loss, Math.round(loss * (0.2 + r() * 0.8)));
          const spStatus = now - stopAt > 2 * DAY ? "expired" : "completed";
          const { id: sp } = insRequest.get(
            "stop_payment",
            spStatus,
            caseId,
            aRow.id,
            bankId,
            1,
            loss,
            stopped,
            stopped,
            agents[0],
            sent,
            sent,
            sent + 2 * 60_000,
            stopAt,
            stopAt,
            stopAt + 2 * DAY,
            null,
            stopAt,
            null,
          ) as { id: number };
          setChecks.run(holderName, null, null, null, null, null, null, sp);
          traced(sp);
          // every request's history starts with its send, as the service records it
          insResponse.run(sp, "send", "draft", "sent", null, null, null, agents[0], sent);
          insResponse.run(sp, "acknowledge", "sent", "acknowledged", null, null, null, bankUser, sent + 2 * 60_000);
          insResponse.run(sp, "confirm", "acknowledged", "completed", stopped, stopped, null, bankUser, stopAt);
          if (r() < 0.85) {
            const fAt = stopAt + (2 + Math.floor(r() * 20)) * 3_600_000;
            // one freeze in eight is a major, complex case frozen for 12 months on a city-level approval
            const major = r2() < 0.125;
            const term = major ? "12m" : "6m";
            const freezeEnds = expiryAfter("freeze", fAt, term)!;
            const lapsed = now >= freezeEnds;
            const { id: fr } = insRequest.get(
              "freeze",
              lapsed ? "lapsed" : "completed",
              caseId,
              aRow.id,
              bankId,
              1,
              stopped,
              stopped,
              stopped,
              agents[1],
              stopAt + 3_600_000,
              stopAt + 3_600_000,
              stopAt + 2 * 3_600_000,
              fAt,
              fAt,
              freezeEnds,
              null,
              fAt,
              sp,
            ) as { id: number };
            setChecks.run(
              holderName,
              term,
              major ? "市公安局分管副局长" : null,
              major ? stopAt + 1_800_000 : null,
              major ? `市公反诈批〔${new Date(stopAt).getUTCFullYear()}〕${1 + Math.floor(r2() * 300)}号` : null,
              r2() < 0.2 ? "account" : "amount",
              r2() < 0.3 ? 1 : 0,
              fr,
            );
            traced(fr);
            insResponse.run(fr, "send", "draft", "sent", null, null, null, agents[1], stopAt + 3_600_000);
            insResponse.run(
              fr,
              "acknowledge",
              "sent",
              "acknowledged",
              null,
              null,
              null,
              bankUser,
              stopAt + 2 * 3_600_000,
            );
            insResponse.run(fr, "confirm", "acknowledged", "completed", stopped, stopped, null, bankUser, fAt);
            if (r() < 0.35) {
              const retAt = fAt + (3 + Math.floor(r() * 30)) * DAY;
              if (retAt < now) {
                const returned = Math.round(stopped * (0.5 + r() * 0.5));
                const { id: ret } = insRequest.get(
                  "return",
                  "completed",
                  caseId,
                  aRow.id,
                  bankId,
                  1,
                  returned,
                  returned,
                  null,
                  agents[1],
                  retAt - DAY,
                  retAt - DAY,
                  retAt - DAY + 3_600_000,
                  retAt,
                  retAt,
                  null,
                  null,
                  retAt,
                  fr,
                ) as { id: number };
                insResponse.run(ret, "send", "draft", "sent", null, null, null, agents[1], retAt - DAY);
                insResponse.run(
                  ret,
                  "acknowledge",
                  "sent",
                  "acknowledged",
                  null,
                  null,
                  null,
                  bankUser,
                  retAt - DAY + 3_600_000,
                );
                insResponse.run(ret, "confirm", "acknowledged", "completed", returned, null, null, bankUser, retAt);
              }
            }
          }
          if (pRow && r() < 0.7) {
            const cid = ids.get(p.carrier);
            if (cid) {
              const { id: sus } = insRequest.get(
                "suspend_number",
                "completed",
                caseId,
                pRow.id,
                cid,
                1,
                null,
                null,
                null,
                agents[0],
                sent,
                sent,
                sent + 60_000,
                sent + 40 * 60_000,
                sent + 40 * 60_000,
                null,
                null,
                sent,
                null,
              ) as { id: number };
              const carrierUser = p.carrier === "CMCC" ? cmccUser : null;
              insResponse.run(sus, "send", "draft", "sent", null, null, null, agents[0], sent);
              insResponse.run(sus, "acknowledge", "sent", "acknowledged", null, null, null, carrierUser, sent + 60_000);
              insResponse.run(
                sus,
                "confirm",
                "acknowledged",
                "completed",
                null,
                null,
                null,
                carrierUser,
                sent + 40 * 60_000,
              );
            }
          }
        }
      }
      // potential victims reached from carriers' and banks' feeds: ~30 a day
      const targetsToday = Math.round((thisYear ? 32 : 24) + r() * 10);
      for (let k = 0; k < targetsToday; k++) {
        const at = dayStart + Math.floor(r() * DAY);
        if (at > now) continue;
        const grade = r() < 0.2 ? "high" : r() < 0.6 ? "medium" : "low";
        const dueMs = deps.config.warningDeadlineMs[grade];
        const open = now - at < (grade === "low" ? 2 * DAY : 6 * 3_600_000) && r() < 0.7;
        const outcome = open
          ? null
          : pick([
              "dissuaded",
              "dissuaded",
              "dissuaded",
              "not_at_risk",
              "unreachable",
              "wrong_number",
              "refused",
              "already_paid",
            ]);
        const t = phone();
        const row = insTarget.get(
          t.value,
          r() < 0.7 ? name() : null,
          pick(DISTRICTS),
          16 + Math.floor(r() * 70),
          pick(["contacted_by", "paying_to", "other"]),
          null,
          grade,
          pick(["feed", "feed", "import", "manual"]),
          r() < 0.5 ? Math.round(r() * 5_000_000) : null,
          open ? "open" : "closed",
          at,
          at + dueMs,
          outcome,
          open ? null : at + Math.floor(r() * dueMs * 1.5),
          at,
          at,
        ) as { id: number } | null;
        if (row && !open) {
          const channel =
            grade === "high" && r() < 0.3 ? "visit" : r() < 0.7 ? "call" : r() < 0.5 ? "sms" : "manual_call";
          insWarning.run(
            row.id,
            pick(agents),
            channel,
            outcome,
            null,
            channel === "call" ? "completed" : channel === "sms" ? "delivered" : null,
            at + dueMs / 2,
            at + dueMs / 2,
          );
        }
      }
    }
  }
}
