// Entering a person at risk by hand: phone and grade first (that is what the queue needs),
// then what is known about them and the suspect behind the risk.
import { RISK_LEVELS, TARGET_REASONS } from "../../src/domain/enums";
import type { Issue } from "../../src/http/errors";
import type { TargetFormValues } from "../../src/targets/schemas";
import { CsrfField, Errors, Field } from "../components";
import type { Key, T } from "../i18n";

// the error summary names a field as the form labels it (the others by their field.* label)
const LABELS: Record<string, Key> = {
  name: "field.displayName",
  reason: "targets.reason",
  reasonNote: "targets.reasonNote",
  suspectValue: "targets.suspectValue",
  amountAtRisk: "targets.amountAtRisk",
};

export function TargetFormPage(p: { t: T; csrf: string | null; values: TargetFormValues; issues?: Issue[] }) {
  const { t, values: v, issues } = p;
  const focus = issues?.[0]?.path ?? "phone";
  return (
    <>
      <h1>{t("targets.new")}</h1>
      <form method="post" action="/targets" class="stack" data-testid="target-form">
        <CsrfField token={p.csrf} />
        <Errors message={issues?.length ? t("error.invalid") : undefined} issues={issues} labels={LABELS} />
        <div class="row">
          <Field label={t("field.phone")} name="phone" issues={issues}>
            <input
              name="phone"
              value={v.phone ?? ""}
              required
              inputmode="tel"
              autocomplete="off"
              autofocus={focus === "phone"}
            />
          </Field>
          <Field label={t("field.riskGrade")} name="riskGrade" issues={issues}>
            <select name="riskGrade" required>
              {RISK_LEVELS.map((g) => (
                <option value={g} selected={(v.riskGrade ?? "high") === g}>
                  {t(`targets.grade.${g}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div class="row">
          <Field label={t("field.displayName")} name="name" issues={issues}>
            <input name="name" value={v.name ?? ""} maxlength={50} />
          </Field>
          <Field label={t("field.district")} name="district" issues={issues}>
            <input name="district" value={v.district ?? ""} maxlength={50} />
          </Field>
          <Field label={t("field.age")} name="age" issues={issues}>
            <input name="age" value={v.age ?? ""} inputmode="numeric" size={4} />
          </Field>
        </div>
        <div class="row">
          <Field label={t("targets.reason")} name="reason" issues={issues}>
            <select name="reason">
              <option value="">—</option>
              {TARGET_REASONS.map((r) => (
                <option value={r} selected={v.reason === r}>
                  {t(`targets.reason.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("targets.suspectValue")} name="suspectValue" issues={issues}>
            <input name="suspectValue" value={v.suspectValue ?? ""} size={28} autofocus={focus === "suspectValue"} />
          </Field>
          <Field label={t("targets.amountAtRisk")} name="amountAtRisk" issues={issues}>
            <input name="amountAtRisk" value={v.amountAtRisk ?? ""} inputmode="decimal" size={12} />
          </Field>
        </div>
        <Field label={t("targets.reasonNote")} name="reasonNote" issues={issues}>
          <input name="reasonNote" value={v.reasonNote ?? ""} maxlength={500} />
        </Field>
        <div>
          <button type="submit" class="primary">
            {t("common.save")}
          </button>
        </div>
      </form>
    </>
  );
}
