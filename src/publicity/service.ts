// The publicity team's high-risk lists (宣传高危名单). This service is the only way publicity
// reads the records, and it masks on the way out: no row it returns carries a full name,
// a full phone number, or anything about a bank account (no account, no bank, no amount); free
// text (the district as typed) has its numbers masked (maskFreeText).
import { and, asc, count, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Db } from "../db";
import { transaction } from "../db";
import { countIf } from "../db/dialect";
import { type suspects, targets } from "../db/schema";
import {
  FRAUD_TYPES,
  type RISK_LEVELS,
  type SUSPECT_STATUSES,
  type TARGET_REASONS,
  type WARNING_OUTCOMES,
} from "../domain/enums";
import { maskFreeText, maskName, maskPhone } from "../domain/masking";
import { shanghaiDaysRange } from "../domain/time";
import { changePct, type Period, previousPeriod } from "../domain/yoy";
import { compare } from "../stats/service";

export type FraudTypeTrend = {
  fraudType: (typeof FRAUD_TYPES)[number];
  current: number;
  previous: number;
  change: number;
  changePct: number | null;
};

/**
 * Alerts per fraud type, this period against the same period last year — the figures of the
 * year-on-year screen. Ordered by the rise in cases (current − previous), largest first: a
 * type going from 100 to 150 matters more to a campaign than one going from 1 to 3, though
 * the second is the larger percentage.
 */
export async function fraudTypesOnTheRise(db: Db, period: Period): Promise<FraudTypeTrend[]> {
  const rows = new Map(
    ((await compare(db, period, null, "alerts")).breakdown?.byFraudType ?? []).map((r) => [r.key, r]),
  );
  return FRAUD_TYPES.map((fraudType) => {
    const current = rows.get(fraudType)?.current ?? 0;
    const previous = rows.get(fraudType)?.previous ?? 0;
    return { fraudType, current, previous, change: current - previous, changePct: changePct(current, previous) };
  }).sort((a, b) => b.change - a.change || b.current - a.current);
}

type Counts = { targets: number; highRisk: number; previous: number };

/** Targets created in the period, the high-risk ones among them, and those of the same period last year. */
function countsOf(period: Period) {
  const within = (r: { from: number; to: number }) =>
    sql`(${targets.createdAt} >= ${r.from} and ${targets.createdAt} < ${r.to})`;
  const cur = within(shanghaiDaysRange(period));
  const prev = within(shanghaiDaysRange(previousPeriod(period)));
  return {
    columns: {
      targets: countIf(cur),
      highRisk: countIf(sql`${cur} and ${targets.riskGrade} = 'high'`),
      previous: countIf(prev),
    },
    where: or(cur, prev),
  };
}

/** Rows summed under the key they read as (a masked district, an age band), with their change on last year. */
function countsBy<R extends Counts, K>(rows: R[], keyOf: (r: R) => K): [K, Counts & { changePct: number | null }][] {
  const sums = new Map<K, Counts>();
  for (const r of rows) {
    const k = keyOf(r);
    const n = sums.get(k) ?? { targets: 0, highRisk: 0, previous: 0 };
    n.targets += r.targets;
    n.highRisk += r.highRisk;
    n.previous += r.previous;
    sums.set(k, n);
  }
  return [...sums].map(([k, n]) => [k, { ...n, changePct: changePct(n.targets, n.previous) }]);
}

export type DistrictCount = {
  district: string | null;
  targets: number;
  highRisk: number;
  previous: number;
  changePct: number | null;
};

/** Targets (people at risk) per district in the period, most first, with last year's count. */
export async function districtsByTargets(db: Db, period: Period): Promise<DistrictCount[]> {
  const c = countsOf(period);
  const rows = await db
    .select({ district: targets.district, ...c.columns })
    .from(targets)
    .where(c.where)
    .groupBy(targets.district)
    .all();
  // districts that read the same once masked are one row
  return countsBy(rows, (r) => maskFreeText(r.district))
    .map(([district, n]) => ({ district, ...n }))
    .sort(
      (a, b) => b.targets - a.targets || b.highRisk - a.highRisk || (a.district ?? "").localeCompare(b.district ?? ""),
    );
}

/** Age bands as the publicity campaigns address them (students, young workers, … the elderly). */
export const AGE_BANDS = [
  { key: "under18", min: 0, max: 17 },
  { key: "18to24", min: 18, max: 24 },
  { key: "25to34", min: 25, max: 34 },
  { key: "35to44", min: 35, max: 44 },
  { key: "45to54", min: 45, max: 54 },
  { key: "55to64", min: 55, max: 64 },
  { key: "65plus", min: 65, max: Infinity },
] as const;
type AgeBandKey = (typeof AGE_BANDS)[number]["key"] | "unknown";

function ageBand(age: number | null | undefined): AgeBandKey {
  if (age == null || age < 0) return "unknown";
  return AGE_BANDS.find((b) => age >= b.min && age <= b.max)!.key;
}

export type AgeBandCount = {
  band: AgeBandKey;
  targets: number;
  highRisk: number;
  previous: number;
  changePct: number | null;
};

/** Targets per age band in the period, most first. */
export async function ageBandsByTargets(db: Db, period: Period): Promise<AgeBandCount[]> {
  const c = countsOf(period);
  // a hundred-odd distinct ages at most: band them here, with the one ageBand rule
  const rows = await db
    .select({ age: targets.age, ...c.columns })
    .from(targets)
    .where(c.where)
    .groupBy(targets.age)
    .all();
  return countsBy(rows, (r) => ageBand(r.age))
    .map(([band, n]) => ({ band, ...n }))
    .filter((b) => b.targets > 0)
    .sort((a, b) => b.targets - a.targets || b.highRisk - a.highRisk);
}

export type SuspectNumber = {
  rank: number;
  number: string; // masked: 138****8000
  carrier: { code: string; nameZh: string; nameEn: string } | null;
  riskLevel: (typeof RISK_LEVELS)[number];
  status: (typeof SUSPECT_STATUSES)[number];
  cases: number;
  targets: number;
  lastSeenAt: Date;
};

/**
 * Fraud phone numbers to name in public warnings: the ones that reached the most victims
 * (cases) and potential victims (targets) in the period. Phones only, masked.
 */
export async function topSuspectNumbers(db: Db, period: Period, limit = 20): Promise<SuspectNumber[]> {
  const cur = shanghaiDaysRange(period);
  type Row = Pick<typeof suspects.$inferSelect, "value" | "riskLevel" | "status"> & {
    cases: number;
    targets: number;
    lastSeenAt: number;
    code: string | null;
    nameZh: string | null;
    nameEn: string | null;
  };
  // hits per suspect from cases and targets together: a CTE with UNION ALL, one typed statement
  const rows = await db.all<Row>(
    sql`with hits as (
         select cs.suspect_id sid, count(*) cases, 0 targets
           from cases c join case_suspects cs on cs.case_id = c.id
          where c.received_at >= ${cur.from} and c.received_at < ${cur.to}
          group by cs.suspect_id
         union all
         select suspect_id, 0, count(*)
           from targets
          where suspect_id is not null and created_at >= ${cur.from} and created_at < ${cur.to}
          group by suspect_id)
       select s.value, s.risk_level "riskLevel", s.status, sum(h.cases) cases, sum(h.targets) targets, s.last_seen_at "lastSeenAt",
              i.code, i.name_zh "nameZh", i.name_en "nameEn"
         from hits h join suspects s on s.id = h.sid
         left join institutions i on i.id = s.institution_id and i.kind = 'carrier'
        where s.kind = 'phone'
        group by s.id, i.id
        order by sum(h.cases) + sum(h.targets) desc, s.sightings desc, s.last_seen_at desc, s.id
        limit ${limit}`,
  );
  return rows.map((r, i) => ({
    rank: i + 1,
    number: maskPhone(r.value),
    carrier: r.code ? { code: r.code, nameZh: r.nameZh!, nameEn: r.nameEn! } : null,
    riskLevel: r.riskLevel,
    status: r.status,
    cases: r.cases,
    targets: r.targets,
    lastSeenAt: new Date(r.lastSeenAt),
  }));
}

/** Outcomes after which a high-risk person still needs someone at the door. */
export const VISIT_OUTCOMES = [
  "unreachable",
  "refused",
] as const satisfies readonly (typeof WARNING_OUTCOMES)[number][];

export type VisitTarget = {
  district: string | null;
  name: string; // masked: 张*
  phone: string; // masked: 138****8000
  age: number | null;
  ageBand: AgeBandKey;
  reason: (typeof TARGET_REASONS)[number];
  state: "open" | (typeof VISIT_OUTCOMES)[number];
  createdAt: Date;
};

export type VisitSummary = { district: string | null; targets: number };

/** High-risk targets of the period still open, or closed unreachable or refused. */
const visitWhere = (period: Period) => {
  const cur = shanghaiDaysRange(period);
  return and(
    eq(targets.riskGrade, "high"),
    sql`${targets.createdAt} >= ${cur.from} and ${targets.createdAt} < ${cur.to}`,
    or(eq(targets.status, "open"), inArray(targets.outcome, VISIT_OUTCOMES)),
  );
};

/**
 * High-risk people of the period that a call did not settle (still open, unreachable, or
 * refused): the door-to-door list, per district. Names and numbers masked; no free text
 * (a note may quote an account or a full name), no amounts.
 */
export async function visitTargets(
  db: Db,
  period: Period,
  opts: { district?: string | null; limit?: number; offset?: number } = {},
): Promise<VisitTarget[]> {
  // the district is chosen by its masked name: every district written that reads so once masked
  const inDistrict = opts.district
    ? inArray(targets.district, await rawDistricts(db, period, opts.district))
    : undefined;
  const rows = await db
    .select({
      district: targets.district,
      name: targets.name,
      phone: targets.phone,
      age: targets.age,
      reason: targets.reason,
      status: targets.status,
      outcome: targets.outcome,
      createdAt: targets.createdAt,
    })
    .from(targets)
    .where(and(visitWhere(period), inDistrict))
    .orderBy(sql`${targets.district} is null`, asc(targets.district), desc(targets.createdAt), desc(targets.id))
    .limit(opts.limit ?? -1) // sqlite: a negative limit is no limit
    .offset(opts.offset ?? 0)
    .all();
  return rows.map((r) => ({
    district: maskFreeText(r.district),
    name: maskName(r.name),
    phone: maskPhone(r.phone),
    age: r.age,
    ageBand: ageBand(r.age),
    reason: r.reason,
    state: r.status === "open" ? "open" : (r.outcome as VisitTarget["state"]),
    createdAt: r.createdAt,
  }));
}

/** The districts as written on the period's door-to-door targets that read as `masked` once masked. */
async function rawDistricts(db: Db, period: Period, masked: string): Promise<string[]> {
  return (
    await db
      .selectDistinct({ district: targets.district })
      .from(targets)
      .where(and(visitWhere(period), isNotNull(targets.district)))
      .all()
  )
    .map((r) => r.district!)
    .filter((d) => maskFreeText(d) === masked);
}

/** How many door-to-door targets each district has in the period. */
export async function visitSummary(db: Db, period: Period): Promise<VisitSummary[]> {
  const byName = new Map<string | null, VisitSummary>();
  const rows = await db
    .select({ district: targets.district, targets: count() })
    .from(targets)
    .where(visitWhere(period))
    .groupBy(targets.district)
    .all();
  for (const r of rows) {
    const district = maskFreeText(r.district);
    const d = byName.get(district) ?? { district, targets: 0 };
    d.targets += r.targets;
    byName.set(district, d);
  }
  return [...byName.values()].sort(
    (a, b) => b.targets - a.targets || (a.district ?? "").localeCompare(b.district ?? ""),
  );
}

export type PublicityLists = {
  fraudTypes: FraudTypeTrend[];
  districts: DistrictCount[];
  ageBands: AgeBandCount[];
  suspectNumbers: SuspectNumber[];
  visitSummary: VisitSummary[];
};

/** Every list of the screen for one period, read in one snapshot. */
export async function publicityLists(db: Db, period: Period): Promise<PublicityLists> {
  return await transaction(db, async (tx) => ({
    fraudTypes: await fraudTypesOnTheRise(tx, period),
    districts: await districtsByTargets(tx, period),
    ageBands: await ageBandsByTargets(tx, period),
    suspectNumbers: await topSuspectNumbers(tx, period),
    visitSummary: await visitSummary(tx, period),
  }));
}
