// The suspects screen: search as you type on top, the paste-many box (folded) under it, then the results.
import type { Issue } from "../../src/http/errors";
import type { CheckOutcome, PasteOutcome, SearchMode, SuspectRecord } from "../../src/suspects/service";
import { CsrfField, When } from "../components";
import type { Lang, T } from "../i18n";
import { SuspectCells, SuspectHead } from "./parts";
import { CheckBox, PasteBox } from "./paste";

/** What the paste box shows: the text, and the check's answer, or Add's, or what was wrong. */
export type PasteState = {
  text: string;
  kind?: string;
  checked?: CheckOutcome[];
  outcomes?: PasteOutcome[];
  issues?: Issue[];
  message?: string;
};

export function SuspectResults(p: { t: T; lang: Lang; mode: SearchMode; rows: SuspectRecord[] }) {
  const { t } = p;
  return (
    <div id="suspect-results" aria-live="polite">
      {p.mode === "recent" && <h2>{t("suspects.recent")}</h2>}
      {p.mode === "too_short" && p.rows.length === 0 && <p class="muted">{t("suspects.tooShort")}</p>}
      {p.mode === "match" && p.rows.length === 0 && <p class="muted">{t("suspects.noMatch")}</p>}
      {p.rows.length > 0 && (
        <table data-testid="suspect-results">
          <thead>
            <tr>
              <SuspectHead t={t} />
              <th>{t("suspects.lastSeen")}</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((s) => (
              <tr>
                <SuspectCells t={t} lang={p.lang} s={s} />
                <td>
                  <When at={s.lastSeenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function SuspectsPage(p: {
  t: T;
  lang: Lang;
  csrf: string | null;
  /** One per Add form shown: a double submit records the pasted values once. */
  nonce: string;
  q: string;
  mode: SearchMode;
  rows: SuspectRecord[];
  canWrite: boolean;
  paste?: PasteState;
}) {
  const { t } = p;
  return (
    <>
      <h1>{t("nav.suspects")}</h1>
      <search>
        <form method="get" action="/suspects" class="card">
          <label>
            {t("suspects.search")}
            <span class="hint">{t("suspects.searchHint")}</span>
            <input
              type="search"
              name="q"
              value={p.q}
              autofocus
              autocomplete="off"
              inputmode="tel"
              hx-get="/suspects/search"
              hx-trigger="input changed delay:200ms, search"
              hx-target="#suspect-results"
              hx-swap="outerHTML"
              hx-sync="this:replace"
              data-testid="suspect-search"
            />
          </label>
        </form>
      </search>
      {p.canWrite && (
        <details class="card" open={p.paste ? true : undefined}>
          <summary>
            <strong>{t("suspects.paste")}</strong>
          </summary>
          <PasteForm t={t} csrf={p.csrf} text={p.paste?.text ?? ""} kind={p.paste?.kind} />
          {p.paste?.checked ? (
            <CheckBox
              t={t}
              lang={p.lang}
              csrf={p.csrf}
              nonce={p.nonce}
              checked={{ text: p.paste.text, kind: p.paste.kind, outcomes: p.paste.checked }}
            />
          ) : (
            <PasteBox
              t={t}
              lang={p.lang}
              outcomes={p.paste?.outcomes}
              issues={p.paste?.issues}
              message={p.paste?.message}
            />
          )}
        </details>
      )}
      <SuspectResults t={t} lang={p.lang} mode={p.mode} rows={p.rows} />
    </>
  );
}

/** The paste box: 核查 (Check) only looks the values up; adding them is the separate form its answer shows. */
function PasteForm(p: { t: T; csrf: string | null; text: string; kind?: string }) {
  const { t } = p;
  return (
    <form
      method="post"
      action="/suspects/check"
      class="stack"
      hx-post="/suspects/check"
      hx-target="#paste-results"
      hx-swap="outerHTML"
      data-testid="paste-form"
    >
      <CsrfField token={p.csrf} />
      <label>
        {t("suspects.pasteText")}
        <span class="hint">{t("suspects.pasteHint")}</span>
        <textarea name="text" rows={8} required data-testid="paste-text">
          {p.text}
        </textarea>
      </label>
      <div class="row">
        <label>
          {t("field.kind")}
          <select name="kind">
            <option value="">{t("suspects.kind.auto")}</option>
            <option value="phone" selected={p.kind === "phone"}>
              {t("suspects.kind.phone")}
            </option>
            <option value="bank_account" selected={p.kind === "bank_account"}>
              {t("suspects.kind.bank_account")}
            </option>
          </select>
        </label>
        <button type="submit" class="primary" data-testid="paste-check">
          {t("suspects.pasteSubmit")}
        </button>
        <span class="hint">{t("suspects.pasteCheckHint")}</span>
      </div>
    </form>
  );
}
