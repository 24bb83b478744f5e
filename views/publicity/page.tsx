// 宣传高危名单: the lists a publicity team plans campaigns and visits from. Everything shown
// here comes masked from the publicity service.

import { formatChangePct } from "../../src/domain/yoy";
import type { Issue } from "../../src/http/errors";
import type {
  FraudTypeTrend,
  PublicityLists,
  SuspectNumber,
  VisitSummary,
  VisitTarget,
} from "../../src/publicity/service";
import type { ResolvedPeriod } from "../../src/stats/schemas";
import { When } from "../components";
import type { Lang, T } from "../i18n";
import { ExportSection, PeriodPicker, type SectionProps } from "../supervision/period";
import { districtName } from "./tables";

const Section = (props: SectionProps) => <ExportSection href="/publicity/export" {...props} />;

/** More people at risk, or more cases, is bad news: a rise reads red. */
function Rise(props: { pct: number | null; isNew?: boolean; t: T }) {
  if (props.pct === null)
    return props.isNew ? <span class="bad">{props.t("suspects.outcome.created")}</span> : <span class="muted">—</span>;
  return <span class={props.pct > 0 ? "bad" : props.pct < 0 ? "good" : ""}>{formatChangePct(props.pct)}</span>;
}

function FraudTypes(props: { t: T; rows: FraudTypeTrend[] }) {
  const { t } = props;
  return (
    <table data-testid="fraud-types">
      <thead>
        <tr>
          <th>{t("field.fraudType")}</th>
          <th class="num">{t("publicity.col.current")}</th>
          <th class="num">{t("publicity.col.previous")}</th>
          <th class="num">{t("publicity.col.change")}</th>
          <th class="num">{t("publicity.col.changePct")}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>{t(`cases.fraud.${r.fraudType}`)}</td>
            <td class="num">{r.current}</td>
            <td class="num">{r.previous}</td>
            <td class={`num ${r.change > 0 ? "bad" : r.change < 0 ? "good" : ""}`}>
              {r.change > 0 ? `+${r.change}` : r.change}
            </td>
            <td class="num">
              <Rise t={t} pct={r.changePct} isNew={r.current > 0} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Count = { targets: number; highRisk: number; previous: number; changePct: number | null };

function Counts<R extends Count>(props: { t: T; head: string; rows: R[]; label: (r: R) => string; testid: string }) {
  const { t } = props;
  if (!props.rows.length) return <p class="muted">{t("common.none")}</p>;
  return (
    <table data-testid={props.testid}>
      <thead>
        <tr>
          <th>{props.head}</th>
          <th class="num">{t("publicity.col.targets")}</th>
          <th class="num">{t("publicity.col.highRisk")}</th>
          <th class="num">{t("publicity.col.previous")}</th>
          <th class="num">{t("publicity.col.changePct")}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>{props.label(r)}</td>
            <td class="num">{r.targets}</td>
            <td class="num">{r.highRisk}</td>
            <td class="num">{r.previous}</td>
            <td class="num">
              <Rise t={t} pct={r.changePct} isNew={r.targets > 0} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SuspectNumbers(props: { t: T; lang: Lang; rows: SuspectNumber[] }) {
  const { t, lang } = props;
  if (!props.rows.length) return <p class="muted">{t("common.none")}</p>;
  return (
    <table data-testid="suspect-numbers">
      <thead>
        <tr>
          <th class="num">{t("publicity.col.rank")}</th>
          <th>{t("publicity.col.number")}</th>
          <th>{t("publicity.col.carrier")}</th>
          <th>{t("publicity.col.risk")}</th>
          <th>{t("field.status")}</th>
          <th class="num">{t("publicity.col.cases")}</th>
          <th class="num">{t("publicity.col.contacted")}</th>
          <th>{t("publicity.col.lastSeen")}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td class="num">{r.rank}</td>
            <td class="nowrap">{r.number}</td>
            <td>{r.carrier ? (lang === "zh" ? r.carrier.nameZh : r.carrier.nameEn) : "—"}</td>
            <td>{t(`suspects.risk.${r.riskLevel}`)}</td>
            <td>{t(`suspects.state.${r.status}`)}</td>
            <td class="num">{r.cases}</td>
            <td class="num">{r.targets}</td>
            <td>
              <When at={r.lastSeenAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VisitSummaryTable(props: { t: T; rows: VisitSummary[]; query: string }) {
  const { t } = props;
  if (!props.rows.length) return <p class="muted">{t("common.none")}</p>;
  return (
    <table data-testid="visit-summary">
      <thead>
        <tr>
          <th>{t("field.district")}</th>
          <th class="num">{t("publicity.col.count")}</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>{districtName(t, r.district)}</td>
            <td class="num">{r.targets}</td>
            <td>
              {r.district && (
                <a href={`/publicity/visits?${props.query}&district=${encodeURIComponent(r.district)}`}>
                  {t("publicity.viewList")}
                </a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PublicityPage(props: {
  t: T;
  lang: Lang;
  resolved: ResolvedPeriod;
  query: string;
  issues?: Issue[];
  lists: PublicityLists | null;
}) {
  const { t, lang, lists, query } = props;
  return (
    <>
      <h1>{t("nav.publicity")}</h1>
      <p class="notice">{t("publicity.masked")}</p>
      <PeriodPicker t={t} action="/publicity" resolved={props.resolved} issues={props.issues} />
      {lists && (
        <>
          <Section
            title={t("publicity.fraudTypes")}
            table="fraudTypes"
            query={query}
            note={t("publicity.fraudTypesNote")}
          >
            <FraudTypes t={t} rows={lists.fraudTypes} />
          </Section>
          <div class="grid">
            <Section title={t("publicity.districts")} table="districts" query={query}>
              <Counts
                t={t}
                head={t("field.district")}
                rows={lists.districts}
                label={(r) => districtName(t, r.district)}
                testid="districts"
              />
            </Section>
            <Section title={t("publicity.ageBands")} table="ageBands" query={query}>
              <Counts
                t={t}
                head={t("publicity.col.ageBand")}
                rows={lists.ageBands}
                label={(r) => t(`publicity.band.${r.band}`)}
                testid="age-bands"
              />
            </Section>
          </div>
          <Section
            title={t("publicity.suspectNumbers")}
            table="suspectNumbers"
            query={query}
            note={t("publicity.suspectNumbersNote")}
          >
            <SuspectNumbers t={t} lang={lang} rows={lists.suspectNumbers} />
          </Section>
          <Section title={t("publicity.visits")} table="visitSummary" query={query} note={t("publicity.visitsNote")}>
            <VisitSummaryTable t={t} rows={lists.visitSummary} query={query} />
            <p>
              <a href={`/publicity/visits?${query}`} data-testid="visits-link">
                {t("publicity.visitsList")}
              </a>
            </p>
          </Section>
        </>
      )}
    </>
  );
}

export function VisitsPage(props: {
  t: T;
  resolved: ResolvedPeriod;
  query: string;
  issues?: Issue[];
  district: string | null;
  districts: VisitSummary[];
  rows: VisitTarget[] | null;
  /** Which page of the list this is, and whether another follows. */
  paging: { page: number; size: number; more: boolean };
}) {
  const { t, rows } = props;
  const { page, size, more } = props.paging;
  const listQuery = `${props.query}${props.district ? `&district=${encodeURIComponent(props.district)}` : ""}`;
  return (
    <>
      <h1>
        {t("publicity.visitsList")}{" "}
        <small class="no-print">
          <a href={`/publicity?${props.query}`}>{t("common.back")}</a>
        </small>
      </h1>
      <p class="notice">{t("publicity.masked")}</p>
      <PeriodPicker t={t} action="/publicity/visits" resolved={props.resolved} issues={props.issues}>
        <label>
          {t("field.district")}
          <select name="district">
            <option value="">{t("publicity.allDistricts")}</option>
            {props.districts
              .filter((d) => d.district)
              .map((d) => (
                <option value={d.district!} selected={props.district === d.district}>
                  {d.district} ({d.targets})
                </option>
              ))}
          </select>
        </label>
      </PeriodPicker>
      {rows && (
        <Section
          title={props.district ?? t("publicity.allDistricts")}
          table="visits"
          query={listQuery}
          note={t("publicity.visitsNote")}
        >
          {rows.length === 0 ? (
            <p class="muted">{t("common.none")}</p>
          ) : (
            <table data-testid="visits">
              <thead>
                <tr>
                  <th>{t("field.district")}</th>
                  <th>{t("field.displayName")}</th>
                  <th>{t("field.phone")}</th>
                  <th class="num">{t("field.age")}</th>
                  <th>{t("field.reason")}</th>
                  <th>{t("publicity.col.state")}</th>
                  <th>{t("publicity.col.createdAt")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>{districtName(t, r.district)}</td>
                    <td data-testid="visit-name">{r.name || "—"}</td>
                    <td class="nowrap" data-testid="visit-phone">
                      {r.phone}
                    </td>
                    <td class="num">{r.age ?? "—"}</td>
                    <td>{t(`targets.reason.${r.reason}`)}</td>
                    <td>{t(`publicity.state.${r.state}`)}</td>
                    <td>
                      <When at={r.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {(page > 1 || more) && (
            <nav class="row no-print" data-testid="visits-pager" aria-label={t("common.pages")}>
              {page > 1 && (
                <a href={`/publicity/visits?${listQuery}&page=${page - 1}`} rel="prev">
                  {t("publicity.prevPage")}
                </a>
              )}
              <span class="muted">
                {t("publicity.pageRows", {
                  page,
                  from: (page - 1) * size + (rows.length ? 1 : 0),
                  to: (page - 1) * size + rows.length,
                })}
              </span>
              {more && (
                <a href={`/publicity/visits?${listQuery}&page=${page + 1}`} rel="next">
                  {t("publicity.nextPage")}
                </a>
              )}
            </nav>
          )}
        </Section>
      )}
    </>
  );
}
