// The paste box's answers: first the check (each value on file or not, nothing written) with the
// separate Add form; after Add, what became of each value: new, merged, a repeat, or rejected and why.
import type { Issue } from "../../src/http/errors";
import type { CheckOutcome, PasteOutcome, SuspectRecord } from "../../src/suspects/service";
import { CsrfField, Errors, warningText } from "../components";
import { type Lang, refusalText, type T } from "../i18n";
import { InstitutionName, RiskPill, StatusPill, SuspectLink } from "./parts";

const OUTCOME_CLASS = { created: "good", merged: "", duplicate: "muted", rejected: "bad" } as const;

/** The Add form's nonce: a double submit records the values once. */
const PasteNonce = (p: { value: string }) => <input type="hidden" name="nonce" id="paste-nonce" value={p.value} />;

/** What was checked, so that Add records exactly those values. */
export type Checked = { text: string; kind?: string; outcomes: CheckOutcome[] };

const CHECK_CLASS = { known: "", unknown: "", duplicate: "muted", rejected: "bad" } as const;

/** The check's answer: one row per value, then the explicit Add (录入) form for the same text. */
export function CheckBox(p: { t: T; lang: Lang; csrf: string | null; nonce: string; checked: Checked }) {
  const { t, checked } = p;
  const rows = checked.outcomes;
  const n = (o: CheckOutcome["outcome"]) => rows.filter((x) => x.outcome === o).length;
  const flagged = rows.filter((x) => x.outcome === "known" && x.flagged).length;
  const addable = n("known") + n("unknown");
  return (
    <div id="paste-results">
      <p class="notice" data-testid="check-summary">
        {t("suspects.checkSummary", {
          known: n("known"),
          flagged,
          unknown: n("unknown"),
          duplicate: n("duplicate"),
          rejected: n("rejected"),
        })}
      </p>
      <table data-testid="check-results">
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
          {rows.map((o) => (
            <tr data-check={o.outcome}>
              <td class="num">{o.line}</td>
              <td class="mono">{o.input}</td>
              <td class={o.outcome === "known" && o.flagged ? "bad" : CHECK_CLASS[o.outcome]}>
                {o.outcome === "known" && (
                  <>
                    {t("suspects.check.known")} <StatusPill t={t} status={o.suspect.status} />
                  </>
                )}
                {o.outcome === "unknown" && t("suspects.check.unknown")}
                {o.outcome === "duplicate" && t("suspects.outcome.duplicate", { line: o.ofLine })}
                {o.outcome === "rejected" && (
                  <>
                    {t("suspects.outcome.rejected")}
                    <div>{refusalText(t, o.refusal)}</div>
                  </>
                )}
              </td>
              {o.outcome === "known" && <ValueCells t={t} lang={p.lang} s={o.suspect} link />}
              {o.outcome === "unknown" && <ValueCells t={t} lang={p.lang} s={{ ...o, riskLevel: null }} />}
              {(o.outcome === "duplicate" || o.outcome === "rejected") && <td colspan={3}></td>}
            </tr>
          ))}
        </tbody>
      </table>
      {addable > 0 && (
        <form
          method="post"
          action="/suspects/paste"
          class="row"
          hx-post="/suspects/paste"
          hx-target="#paste-results"
          hx-swap="outerHTML"
          hx-disabled-elt="find button"
          data-testid="paste-add"
        >
          <CsrfField token={p.csrf} />
          <PasteNonce value={p.nonce} />
          <input type="hidden" name="text" value={checked.text} />
          <input type="hidden" name="kind" value={checked.kind ?? ""} />
          <label>
            {t("suspects.risk")}
            <select name="riskLevel">
              <option value="">—</option>
              <option value="high">{t("suspects.risk.high")}</option>
              <option value="medium">{t("suspects.risk.medium")}</option>
              <option value="low">{t("suspects.risk.low")}</option>
            </select>
          </label>
          <label>
            {t("common.note")}
            <input name="note" maxlength={1000} />
          </label>
          <button type="submit" class="primary" data-testid="paste-add-submit">
            {t("suspects.add")}
          </button>
          <span class="hint">{t("suspects.addHint", { n: addable })}</span>
        </form>
      )}
    </div>
  );
}

/** The value, its institution and (on file) its risk. */
function ValueCells(p: {
  t: T;
  lang: Lang;
  s: Pick<SuspectRecord, "display" | "value" | "institution" | "warnings"> & {
    id?: number;
    riskLevel: SuspectRecord["riskLevel"] | null;
  };
  link?: boolean;
}) {
  const { t, s } = p;
  return (
    <>
      <td>
        {p.link && s.id !== undefined ? <SuspectLink s={{ ...s, id: s.id }} /> : <span class="mono">{s.display}</span>}
        {s.warnings.length > 0 && (
          <div class="field-error">{s.warnings.map((w) => warningText(p.t, p.lang, w)).join("；")}</div>
        )}
      </td>
      <td>
        <InstitutionName t={t} lang={p.lang} s={s as SuspectRecord} />
      </td>
      <td>{s.riskLevel ? <RiskPill t={t} risk={s.riskLevel} /> : <span class="muted">—</span>}</td>
    </>
  );
}

export function PasteBox(p: { t: T; lang: Lang; outcomes?: PasteOutcome[]; issues?: Issue[]; message?: string }) {
  const { t, outcomes } = p;
  const n = (o: PasteOutcome["outcome"]) => outcomes?.filter((x) => x.outcome === o).length ?? 0;
  return (
    <div id="paste-results">
      <Errors message={p.message} issues={p.issues} />
      {outcomes && (
        <>
          <p class="notice" data-testid="paste-summary">
            {t("suspects.pasteSummary", {
              created: n("created"),
              merged: n("merged"),
              duplicate: n("duplicate"),
              rejected: n("rejected"),
            })}
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
                    {o.outcome === "duplicate"
                      ? t("suspects.outcome.duplicate", { line: o.ofLine })
                      : t(`suspects.outcome.${o.outcome}`)}
                    {o.outcome === "rejected" && <div>{refusalText(t, o.refusal)}</div>}
                  </td>
                  {o.outcome === "rejected" ? (
                    <td colspan={3}></td>
                  ) : (
                    <>
                      <td>
                        <SuspectLink s={o.suspect} />
                        {o.suspect.warnings.length > 0 && (
                          <div class="field-error">
                            {o.suspect.warnings.map((w) => warningText(t, p.lang, w)).join("；")}
                          </div>
                        )}
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
