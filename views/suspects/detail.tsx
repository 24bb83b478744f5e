// One suspect: what it is, its status (and the change form), where it was reported, its cases,
// the requests sent about it, and its history.
import { STATUS_TRANSITIONS } from "../../src/domain/suspects";
import type { Issue } from "../../src/http/errors";
import type { SuspectDetail } from "../../src/suspects/service";
import { CaseTable } from "../cases/parts";
import { CsrfField, Errors, Field, sourceText, When, warningText } from "../components";
import { known, type Lang, type T } from "../i18n";
import { RequestSummaryTable } from "../requests/parts";
import { InstitutionName, labelOr, RiskPill, StatusPill } from "./parts";

export function SuspectDetailPage(p: {
  t: T;
  lang: Lang;
  csrf: string | null;
  d: SuspectDetail;
  canWrite: boolean;
  issues?: Issue[];
  message?: string;
  values?: { status?: string; reason?: string };
}) {
  const { t, d } = p;
  const s = d.suspect;
  const next = STATUS_TRANSITIONS[s.status];
  return (
    <>
      <p>
        <a href="/suspects">← {t("nav.suspects")}</a>
      </p>
      <h1 class="mono" data-testid="suspect-display">
        {s.display} <RiskPill t={t} risk={s.riskLevel} /> <StatusPill t={t} status={s.status} />
      </h1>
      <div class="grid">
        <dl class="card">
          <dt>{t("field.kind")}</dt>
          <dd>{t(`suspects.kind.${s.kind}`)}</dd>
          <dt>{t("suspects.value")}</dt>
          <dd class="mono">{s.display}</dd>
          <dt>{t("suspects.institution")}</dt>
          <dd>
            <InstitutionName t={t} lang={p.lang} s={s} />
          </dd>
          {s.statusReason && (
            <>
              <dt>{t("field.reason")}</dt>
              <dd>{s.statusReason}</dd>
            </>
          )}
        </dl>
        <dl class="card">
          <dt>{t("suspects.sightings")}</dt>
          <dd>{s.sightings}</dd>
          <dt>{t("suspects.firstSeen")}</dt>
          <dd>
            <When at={s.firstSeenAt} />
          </dd>
          <dt>{t("suspects.lastSeen")}</dt>
          <dd>
            <When at={s.lastSeenAt} />
          </dd>
          {s.warnings.length > 0 && (
            <>
              <dt>{t("suspects.warnings")}</dt>
              <dd class="field-error">{s.warnings.map((w) => warningText(t, p.lang, w)).join("；")}</dd>
            </>
          )}
          {s.note && (
            <>
              <dt>{t("common.note")}</dt>
              <dd style="white-space:pre-line">{s.note}</dd>
            </>
          )}
        </dl>
      </div>

      {p.canWrite && next.length > 0 && (
        <form method="post" action={`/suspects/${s.id}/status`} class="row card" id="status-form">
          <CsrfField token={p.csrf} />
          <Errors message={p.message} />
          <Field label={t("cases.changeStatus")} name="status" issues={p.issues}>
            {/* starts on the current status: saving without choosing changes nothing */}
            <select name="status">
              {/* a refused change keeps the status chosen */}
              <option value={s.status} selected={!next.includes(p.values?.status as never)}>
                {t("suspects.stateCurrent", { state: t(`suspects.state.${s.status}`) })}
              </option>
              {next.map((st) => (
                <option value={st} selected={st === p.values?.status}>
                  {t(`suspects.state.${st}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("field.reason")} name="reason" hint={t("suspects.reasonHint")} issues={p.issues}>
            <input name="reason" maxlength={500} size={40} value={p.values?.reason ?? ""} />
          </Field>
          <button type="submit" class="primary">
            {t("common.save")}
          </button>
        </form>
      )}

      <h2>{t("publicity.col.cases")}</h2>
      {d.cases.length === 0 ? (
        <p class="muted">{t("common.none")}</p>
      ) : (
        <CaseTable t={t} rows={d.cases} last={{ head: t("cases.level"), cell: (c) => c.level }} />
      )}

      <h2>{t("suspects.requests")}</h2>
      <RequestSummaryTable t={t} lang={p.lang} rows={d.requests} />

      <div class="grid">
        <div>
          <h2>{t("suspects.sources")}</h2>
          <table>
            <tbody>
              {d.sources.map((x) => (
                <tr>
                  <td>
                    {x.source.startsWith("case:") ? (
                      <a href={`/cases/${x.source.slice(5)}`}>{sourceText(t, x.source)}</a>
                    ) : (
                      sourceText(t, x.source)
                    )}
                  </td>
                  <td>
                    <When at={x.firstAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h2>{t("suspects.history")}</h2>
          {d.history.length === 0 && <p class="muted">{t("common.none")}</p>}
          <table data-testid="suspect-history">
            <tbody>
              {d.history.map((h) => (
                <tr>
                  <td>
                    <When at={h.at} />
                  </td>
                  <td>{labelOr(t, `suspects.history.${h.action}`, h.action)}</td>
                  <td>{h.actor}</td>
                  <td class="muted">{historyDetail(t, h.detail)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}

function historyDetail(t: T, d: Record<string, unknown> | null): string {
  if (!d) return "";
  if (typeof d.from === "string" && typeof d.to === "string") {
    return `${known(t, `suspects.state.${d.from}`) ?? d.from} → ${known(t, `suspects.state.${d.to}`) ?? d.to}${d.reason ? `: ${d.reason}` : ""}`;
  }
  return [
    typeof d.source === "string" && sourceText(t, d.source),
    typeof d.riskLevel === "string" && (known(t, `suspects.risk.${d.riskLevel}`) ?? d.riskLevel),
    d.reopened && t("suspects.state.active"),
  ]
    .filter(Boolean)
    .join(" · ");
}
