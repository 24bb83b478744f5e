// What became of each pasted value: new, merged, a repeat of an earlier line, or rejected and why.
import type { Issue } from "../../src/http/errors";
import type { PasteOutcome } from "../../src/suspects/service";
import { Errors } from "../components";
import { refusalText, type Lang, type T } from "../i18n";
import { InstitutionName, RiskPill, SuspectLink } from "./parts";

const OUTCOME_CLASS = { created: "good", merged: "", duplicate: "muted", rejected: "bad" } as const;

/** The paste form's nonce; `oob` replaces the one in the form from an htmx answer. */
export const PasteNonce = (p: { value: string; oob?: boolean }) => <input type="hidden" name="nonce" id="paste-nonce" value={p.value} hx-swap-oob={p.oob ? "true" : undefined} />;

export function PasteBox(p: { t: T; lang: Lang; outcomes?: PasteOutcome[]; issues?: Issue[]; message?: string }) {
  const { t, outcomes } = p;
  const n = (o: PasteOutcome["outcome"]) => outcomes?.filter((x) => x.outcome === o).length ?? 0;
  return (
    <div id="paste-results">
      <Errors message={p.message} issues={p.issues} />
      {outcomes && (
        <>
          <p class="notice" data-testid="paste-summary">
            {t("suspects.pasteSummary", { created: n("created"), merged: n("merged"), duplicate: n("duplicate"), rejected: n("rejected") })}
          </p>
          <table data-testid="paste-results">
            <thead>
              <tr>
                <th class="num">{t("suspects.line")}</th>
                <th>{t("suspects.input")}</th>
                <th>{t("suspects.outcome")}</th>
                <th>{t("suspects.value")}</th>
                <th>{t("suspects.institution")}</th>
                <th>{t("suspects.risk")}</th>
              </tr>
            </thead>
            <tbody>
              {outcomes.map((o) => (
                <tr data-outcome={o.outcome}>
                  <td class="num">{o.line}</td>
                  <td class="mono">{o.input}</td>
                  <td class={OUTCOME_CLASS[o.outcome]}>
                    {o.outcome === "duplicate" ? t("suspects.outcome.duplicate", { line: o.ofLine }) : t(`suspects.outcome.${o.outcome}`)}
                    {o.outcome === "rejected" && <div>{refusalText(t, o.refusal)}</div>}
                  </td>
                  {o.outcome === "rejected" ? (
                    <td colspan={3}></td>
                  ) : (
                    <>
                      <td>
                        <SuspectLink s={o.suspect} />
                        {o.suspect.warnings.length > 0 && <div class="field-error">{o.suspect.warnings.join("; ")}</div>}
                      </td>
                      <td>
                        <InstitutionName t={t} lang={p.lang} s={o.suspect} />
                      </td>
                      <td>
                        <RiskPill t={t} risk={o.suspect.riskLevel} />
                      </td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
