// Small pieces every suspect list shows: the number, its institution, risk and status.
import type { SuspectRecord } from "../../src/suspects/service";
import { warningText } from "../components";
import { known, type Lang, type T } from "../i18n";

/** A label from another capability's dictionary, or the code itself if it has none. */
export const labelOr = (t: T, key: string, code: string): string => known(t, key) ?? code;

const RISK_CLASS = { high: "bad", medium: "warn", low: "muted" } as const;

export function RiskPill(p: { t: T; risk: SuspectRecord["riskLevel"] }) {
  return <span class={`pill ${RISK_CLASS[p.risk]}`}>{p.t(`suspects.risk.${p.risk}`)}</span>;
}

export function StatusPill(p: { t: T; status: SuspectRecord["status"] }) {
  return <span class="pill">{p.t(`suspects.state.${p.status}`)}</span>;
}

export function InstitutionName(p: { t: T; lang: Lang; s: SuspectRecord }) {
  const i = p.s.institution;
  if (!i) return <span class="muted">—</span>;
  return (
    <span>
      {p.lang === "zh" ? i.nameZh : i.nameEn}{" "}
      <span class="muted" title={i.inferred ? p.t("suspects.inferred") : p.t("suspects.confirmed")}>
        ({i.inferred ? p.t("suspects.inferred") : p.t("suspects.confirmed")})
      </span>
    </span>
  );
}

/** The number as people read it, linked to its page. */
export function SuspectLink(p: { s: Pick<SuspectRecord, "id" | "display" | "value"> }) {
  return (
    // an account's digits unbroken on hover, for copying; a phone reads as dialled, never in E.164
    <a href={`/suspects/${p.s.id}`} class="mono" title={p.s.value.startsWith("+") ? undefined : p.s.value}>
      {p.s.display}
    </a>
  );
}

/** The columns of a suspect row; lists add their own around them. */
export function SuspectCells(p: { t: T; lang: Lang; s: SuspectRecord }) {
  const { t, s } = p;
  return (
    <>
      <td>
        <SuspectLink s={s} />
        {s.warnings.length > 0 && (
          <div class="field-error">{s.warnings.map((w) => warningText(t, p.lang, w)).join("；")}</div>
        )}
      </td>
      <td>{t(`suspects.kind.${s.kind}`)}</td>
      <td>
        <InstitutionName t={t} lang={p.lang} s={s} />
      </td>
      <td>
        <RiskPill t={t} risk={s.riskLevel} />
      </td>
      <td>
        <StatusPill t={t} status={s.status} />
      </td>
      <td class="num">{s.sightings}</td>
    </>
  );
}

export function SuspectHead(p: { t: T }) {
  const { t } = p;
  return (
    <>
      <th>{t("suspects.value")}</th>
      <th>{t("field.kind")}</th>
      <th>{t("suspects.institution")}</th>
      <th>{t("suspects.risk")}</th>
      <th>{t("field.status")}</th>
      <th class="num">{t("suspects.sightings")}</th>
    </>
  );
}
