// A new request: kind, the number or account (or the suspect it came from), the institution
// preselected from the number's inference, the case, the amount in yuan, a note. Send at once
// or keep as a draft. A hidden nonce makes a double submit create one request.

import { FREEZE_SCOPES, FREEZE_TERMS } from "../../src/domain/enums";
import { CREATABLE_KINDS } from "../../src/domain/requests";
import type { Issue } from "../../src/http/errors";
import type { CaseSuspectOption } from "../../src/requests/case-suspects";
import type { InstitutionOption, SuspectBrief } from "../../src/requests/read";
import { CsrfField, Errors, Field } from "../components";
import type { Lang, T } from "../i18n";
import { displayValue, labelIssues } from "./parts";

export type CreateValues = {
  kind?: string;
  suspectId?: string;
  value?: string;
  institution?: string;
  caseId?: string;
  parentRequestId?: string;
  amount?: string;
  note?: string;
  holderName?: string;
  term?: string;
  approvalBy?: string;
  approvalAt?: string;
  approvalRef?: string;
  scope?: string;
  includesInterest?: string;
};

/** The institution picker; the inferred one is preselected unless the agent chose another. */
export function InstitutionField(p: {
  t: T;
  lang: Lang;
  institutions: InstitutionOption[];
  chosen?: string;
  inferred: string | null;
  known: boolean;
  issues?: Issue[];
}) {
  const { t } = p;
  const inferred = p.inferred ? p.institutions.find((i) => i.code === p.inferred) : undefined;
  const selected = p.chosen || inferred?.code || "";
  const name = (i: InstitutionOption) => (p.lang === "zh" ? i.nameZh : i.nameEn);
  return (
    <div id="institution-field">
      <Field
        label={t("field.institution")}
        name="institution"
        issues={p.issues}
        hint={
          inferred ? t("requests.inferred", { name: name(inferred) }) : p.known ? t("requests.notInferred") : undefined
        }
      >
        <select name="institution" data-testid="institution">
          <option value="">{t("requests.institutionAuto")}</option>
          {(["bank", "carrier"] as const).map((kind) => (
            <optgroup label={t(`requests.institutions.${kind}`)}>
              {p.institutions
                .filter((i) => i.kind === kind)
                .map((i) => (
                  <option value={i.code} selected={selected === i.code}>
                    {name(i)}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </Field>
    </div>
  );
}

export function NewRequestPage(p: {
  t: T;
  lang: Lang;
  csrf: string | null;
  nonce: string;
  institutions: InstitutionOption[];
  suspect: SuspectBrief | null;
  inferred: string | null;
  values: CreateValues;
  issues?: Issue[];
  error?: string;
  /** the case's suspects, offered instead of typing the number or account */
  caseSuspects?: CaseSuspectOption[];
}) {
  const { t, values: v, suspect } = p;
  return (
    <>
      <p>
        <a href="/requests">← {t("cases.requests")}</a>
      </p>
      <h1>{t("requests.new")}</h1>
      <form method="post" action="/requests" class="stack card" data-testid="new-request">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="nonce" value={p.nonce} />
        <Errors message={p.error} issues={labelIssues(t, p.issues)} />
        <Field label={t("requests.kind")} name="kind" issues={p.issues}>
          <select name="kind">
            {CREATABLE_KINDS.map((k) => (
              <option value={k} selected={v.kind === k}>
                {t(`requests.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {suspect ? (
          <Field label={t("requests.suspect")} name="suspectId" issues={p.issues}>
            <input type="hidden" name="suspectId" value={String(suspect.id)} />
            <a class="mono" href={`/suspects/${suspect.id}`}>
              {displayValue(suspect.kind, suspect.value)}
            </a>
          </Field>
        ) : (
          <>
            {p.caseSuspects && p.caseSuspects.length > 0 && (
              <div class="stack" data-testid="case-suspect-options">
                <span class="muted">{t("live.caseSuspects")}</span>
                <div class="row">
                  {p.caseSuspects.map((s) => (
                    <a
                      class="button mono"
                      href={`/requests/new?${new URLSearchParams({ caseId: v.caseId ?? "", suspectId: String(s.id), ...(v.kind ? { kind: v.kind } : {}) })}`}
                      data-testid={`pick-suspect-${s.id}`}
                    >
                      {displayValue(s.kind, s.value)} · {t("live.level", { n: s.level })}
                    </a>
                  ))}
                </div>
              </div>
            )}
            <Field label={t("requests.value")} name="value" hint={t("requests.valueHint")} issues={p.issues}>
              <input
                name="value"
                value={v.value ?? ""}
                autocomplete="off"
                required
                hx-get="/requests/new/institution"
                hx-trigger="input changed delay:300ms"
                hx-target="#institution-field"
                hx-swap="outerHTML"
                hx-include="[name=institution]"
              />
            </Field>
          </>
        )}
        <InstitutionField
          t={t}
          lang={p.lang}
          institutions={p.institutions}
          chosen={v.institution}
          inferred={p.inferred}
          known={!!(suspect || v.value)}
          issues={p.issues}
        />
        <div class="row">
          <Field label={t("requests.caseId")} name="caseId" issues={p.issues}>
            <input type="number" name="caseId" value={v.caseId ?? ""} min={1} style="width:8rem" />
          </Field>
          <Field label={t("requests.amount")} name="amount" issues={p.issues}>
            <input name="amount" value={v.amount ?? ""} inputmode="decimal" style="width:12rem" />
          </Field>
        </div>
        <Field label={t("field.holderName")} name="holderName" issues={p.issues}>
          <input name="holderName" value={v.holderName ?? ""} maxlength={100} style="width:12rem" />
        </Field>
        <fieldset class="row" data-testid="freeze-fields">
          <legend>{t("terms.freezeOnly")}</legend>
          <Field label={t("field.term")} name="term" issues={p.issues}>
            <select name="term">
              {FREEZE_TERMS.map((x) => (
                <option value={x} selected={(v.term || "6m") === x}>
                  {t(`terms.term.${x}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("field.approvalBy")} name="approvalBy" issues={p.issues}>
            <input name="approvalBy" value={v.approvalBy ?? ""} maxlength={100} style="width:10rem" />
          </Field>
          <Field label={t("field.approvalAt")} name="approvalAt" issues={p.issues}>
            <input type="datetime-local" name="approvalAt" value={v.approvalAt ?? ""} />
          </Field>
          <Field label={t("field.approvalRef")} name="approvalRef" issues={p.issues}>
            <input name="approvalRef" value={v.approvalRef ?? ""} maxlength={100} style="width:12rem" />
          </Field>
          <Field label={t("field.scope")} name="scope" issues={p.issues}>
            <select name="scope">
              {FREEZE_SCOPES.map((x) => (
                <option value={x} selected={(v.scope || "amount") === x}>
                  {t(`terms.scope.${x}`)}
                </option>
              ))}
            </select>
          </Field>
          <label>
            <input type="checkbox" name="includesInterest" value="1" checked={v.includesInterest === "1"} />{" "}
            {t("terms.interest.yes")}
          </label>
        </fieldset>
        {v.parentRequestId && <input type="hidden" name="parentRequestId" value={v.parentRequestId} />}
        <Field label={t("field.note")} name="note" issues={p.issues}>
          <textarea name="note">{v.note ?? ""}</textarea>
        </Field>
        <div class="row">
          <button type="submit" name="intent" value="send" class="primary" data-testid="send-now">
            {t("requests.sendNow")}
          </button>
          <button type="submit" name="intent" value="draft">
            {t("requests.saveDraft")}
          </button>
        </div>
      </form>
    </>
  );
}
