// Case intake: the case, the victim, and the numbers and accounts it names, in one form.
// Laid out in the order a call goes; the first field with an error takes the focus.

import { useContext } from "hono/jsx";
import type { CaseFormValues, TransactionValues } from "../../src/cases/schemas";
import { CASE_STATUSES, FRAUD_TYPES } from "../../src/domain/enums";
import type { Issue } from "../../src/http/errors";
import { CsrfField, Errors, Field, fieldError, IssueLanguage } from "../components";
import type { Key, T } from "../i18n";

const LABELS: Record<string, Key> = {
  receivedAt: "cases.receivedAt",
  fraudType: "field.fraudType",
  district: "field.district",
  loss: "cases.loss",
  "victim.name": "cases.victimName",
  "victim.phone": "cases.victimPhone",
  "victim.idNumber": "field.idNumber",
  "victim.age": "field.age",
  narrative: "cases.narrative",
  status: "field.status",
  filedAt: "cases.filedAt",
  solvedAt: "cases.solvedAt",
  closedAt: "cases.closedAt",
  suspectsDetained: "cases.suspectsDetained",
  at: "cases.changeAt",
};

/** Issues with the field's name in words ("Row 2" for a suspect row) instead of its path. */
export function labelIssues(t: T, issues: Issue[] | undefined): Issue[] | undefined {
  return issues?.map((i) => {
    const row = /^suspects\.(\d+)\./.exec(i.path);
    const tx = /^transactions\.(\d+)\./.exec(i.path);
    const label = row
      ? `${t("cases.suspects")} · ${t("cases.suspectRow", { n: Number(row[1]) + 1 })}`
      : tx
        ? `${t("cases.transactions")} · ${t("cases.txRow", { n: Number(tx[1]) + 1 })}`
        : LABELS[i.path]
          ? t(LABELS[i.path]!)
          : i.path;
    return { ...i, path: label };
  });
}

export function SuspectRow(p: {
  t: T;
  kind?: string;
  value?: string;
  holderName?: string;
  branch?: string;
  error?: string;
  autofocus?: boolean;
}) {
  const { t } = p;
  return (
    <div class="row suspect-row">
      <select name="suspect.kind" aria-label={t("field.kind")}>
        <option value="">{t("suspects.kind.auto")}</option>
        <option value="phone" selected={p.kind === "phone"}>
          {t("suspects.kind.phone")}
        </option>
        <option value="bank_account" selected={p.kind === "bank_account"}>
          {t("suspects.kind.bank_account")}
        </option>
      </select>
      <input
        name="suspect.value"
        value={p.value ?? ""}
        size={32}
        inputmode="tel"
        autocomplete="off"
        aria-label={t("suspects.value")}
        aria-invalid={p.error ? "true" : undefined}
        autofocus={p.autofocus}
      />
      <input
        name="suspect.holder"
        value={p.holderName ?? ""}
        maxlength={100}
        size={10}
        placeholder={t("field.holderName")}
        aria-label={t("field.holderName")}
      />
      <input
        name="suspect.branch"
        value={p.branch ?? ""}
        maxlength={100}
        size={14}
        placeholder={t("checks.branch")}
        aria-label={t("checks.branch")}
      />
      {p.error && <span class="field-error">{p.error}</span>}
    </div>
  );
}

/** One text box of a transfer's row: its label is its placeholder (the row has no room for labels). */
const TxCell = (p: {
  name: Exclude<keyof TransactionValues, "at">;
  v?: TransactionValues;
  label: string;
  size: number;
  inputmode?: "decimal" | "numeric";
}) => (
  <input
    name={`tx.${p.name}`}
    value={p.v?.[p.name] ?? ""}
    inputmode={p.inputmode}
    size={p.size}
    placeholder={p.label}
    aria-label={p.label}
  />
);

/** One of the victim's transfers: when, how much, to which account, from which, its serial number. */
export function TransactionRow(p: { t: T; v?: TransactionValues; errors?: (string | undefined)[] }) {
  const { t, v } = p;
  const err = (p.errors ?? []).filter(Boolean).join("；");
  return (
    <div class="row tx-row" data-testid="tx-row">
      <input type="datetime-local" name="tx.at" value={v?.at ?? ""} aria-label={t("checks.at")} />
      <TxCell name="amount" v={v} label={t("checks.txAmount")} size={10} inputmode="decimal" />
      <TxCell name="account" v={v} label={t("cases.txAccount")} size={22} inputmode="numeric" />
      <TxCell name="payerAccount" v={v} label={t("field.payerAccount")} size={20} inputmode="numeric" />
      <TxCell name="payerName" v={v} label={t("field.payerName")} size={8} />
      <TxCell name="serialNo" v={v} label={t("field.serialNo")} size={16} />
      {err && <span class="field-error">{err}</span>}
    </div>
  );
}

export function CaseFormPage(p: {
  t: T;
  csrf: string | null;
  values: CaseFormValues;
  issues?: Issue[];
  districts: string[];
}) {
  const { t, values: v, issues } = p;
  const reader = useContext(IssueLanguage);
  const focus = issues?.[0]?.path ?? "fraudType";
  const af = (name: string) => focus === name || undefined;
  const rows: CaseFormValues["suspects"] = [
    ...v.suspects,
    ...Array.from({ length: Math.max(1, 2 - v.suspects.length) }, () => ({ kind: "", value: "" })),
  ];
  return (
    <>
      <h1>{t("cases.new")}</h1>
      <form method="post" action="/cases" class="stack" data-testid="case-form" style="max-width:960px">
        <CsrfField token={p.csrf} />
        <input type="hidden" name="nonce" value={v.nonce} />
        <Errors message={issues?.length ? t("error.invalid") : undefined} issues={labelIssues(t, issues)} />
        <div class="row">
          <Field label={t("field.fraudType")} name="fraudType" issues={issues}>
            <select name="fraudType" required autofocus={af("fraudType")}>
              <option value="">—</option>
              {FRAUD_TYPES.map((f) => (
                <option value={f} selected={v.fraudType === f}>
                  {t(`cases.fraud.${f}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("field.district")} name="district" issues={issues}>
            <input
              name="district"
              value={v.district}
              required
              maxlength={50}
              list="districts"
              autofocus={af("district")}
            />
          </Field>
          <Field label={t("cases.receivedAt")} name="receivedAt" issues={issues}>
            <input type="datetime-local" name="receivedAt" value={v.receivedAt} required autofocus={af("receivedAt")} />
          </Field>
          <Field label={t("cases.loss")} name="loss" issues={issues}>
            <input
              name="loss"
              value={v.loss}
              inputmode="decimal"
              placeholder="12,345.67"
              size={14}
              autofocus={af("loss")}
            />
          </Field>
        </div>
        <datalist id="districts">
          {p.districts.map((d) => (
            <option value={d} />
          ))}
        </datalist>
        <fieldset class="row">
          <legend>{t("cases.victim")}</legend>
          <Field label={t("cases.victimName")} name="victim.name" issues={issues}>
            <input name="victim.name" value={v["victim.name"]} required maxlength={50} autofocus={af("victim.name")} />
          </Field>
          <Field label={t("cases.victimPhone")} name="victim.phone" issues={issues}>
            <input
              name="victim.phone"
              value={v["victim.phone"]}
              inputmode="tel"
              maxlength={40}
              autofocus={af("victim.phone")}
            />
          </Field>
          <Field label={t("field.idNumber")} name="victim.idNumber" issues={issues}>
            <input
              name="victim.idNumber"
              value={v["victim.idNumber"]}
              maxlength={40}
              size={22}
              autofocus={af("victim.idNumber")}
            />
          </Field>
          <Field label={t("field.age")} name="victim.age" issues={issues}>
            <input
              name="victim.age"
              value={v["victim.age"]}
              type="number"
              min={0}
              max={130}
              style="width:5rem"
              autofocus={af("victim.age")}
            />
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t("cases.suspects")}</legend>
          <p class="hint muted">{t("cases.suspectsHint")}</p>
          <div id="suspect-rows" data-testid="suspect-rows">
            {rows.map((r, i) => (
              <SuspectRow
                t={t}
                kind={r.kind}
                value={r.value}
                holderName={r.holderName}
                branch={r.branch}
                error={fieldError(issues, `suspects.${i}.value`, reader)}
                autofocus={af(`suspects.${i}.value`)}
              />
            ))}
          </div>
          <button type="button" hx-get="/cases/new/suspect-row" hx-target="#suspect-rows" hx-swap="beforeend">
            + {t("cases.addRow")}
          </button>
        </fieldset>
        <fieldset>
          <legend>{t("cases.transactions")}</legend>
          <p class="hint muted">{t("cases.transactionsHint")}</p>
          <div id="tx-rows" data-testid="tx-rows">
            {[...(v.transactions ?? []), ...(v.transactions?.length ? [] : [undefined])].map((x, i) => (
              <TransactionRow
                t={t}
                v={x}
                errors={["at", "amount", "account"].map((f) => fieldError(issues, `transactions.${i}.${f}`, reader))}
              />
            ))}
          </div>
          <button type="button" hx-get="/cases/new/tx-row" hx-target="#tx-rows" hx-swap="beforeend">
            + {t("cases.addRow")}
          </button>
        </fieldset>
        <Field label={t("cases.narrative")} name="narrative" issues={issues}>
          <textarea name="narrative" rows={4} maxlength={10000} autofocus={af("narrative")}>
            {v.narrative}
          </textarea>
        </Field>
        <fieldset class="row">
          <legend>{t("cases.statusDates")}</legend>
          <Field label={t("field.status")} name="status" issues={issues}>
            <select name="status" autofocus={af("status")}>
              {CASE_STATUSES.map((s) => (
                <option value={s} selected={(v.status || "received") === s}>
                  {t(`cases.state.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("cases.filedAt")} name="filedAt" issues={issues}>
            <input type="datetime-local" name="filedAt" value={v.filedAt} autofocus={af("filedAt")} />
          </Field>
          <Field label={t("cases.solvedAt")} name="solvedAt" issues={issues}>
            <input type="datetime-local" name="solvedAt" value={v.solvedAt} autofocus={af("solvedAt")} />
          </Field>
          <Field label={t("cases.suspectsDetained")} name="suspectsDetained" issues={issues}>
            <input
              name="suspectsDetained"
              value={v.suspectsDetained}
              type="number"
              min={0}
              style="width:6rem"
              autofocus={af("suspectsDetained")}
            />
          </Field>
          <span class="hint muted">{t("cases.statusDatesHint")}</span>
        </fieldset>
        <div>
          <button type="submit" class="primary">
            {t("cases.save")}
          </button>
        </div>
      </form>
    </>
  );
}
