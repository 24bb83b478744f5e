// What the bank checks before it acts (银发〔2016〕86号): the holder's name, the account, and each
// transaction traced (time, amount, payer, serial number); for a freeze, its term, scope and
// interest. Shown on the desk as a check list and on the center's request page.
import type { RequestView } from "../../src/requests/read";
import type { TransactionRow } from "../../src/requests/transactions";
import { When } from "../components";
import type { T } from "../i18n";
import { displayValue, Money } from "./parts";

export function CheckList(p: { t: T; r: RequestView; transactions: TransactionRow[]; desk?: boolean }) {
  const { t, r } = p;
  return (
    <section class="card" data-testid="check-list">
      <h2>{t(p.desk ? "checks.titleDesk" : "checks.title")}</h2>
      {p.desk && <p class="hint muted">{t("checks.hint")}</p>}
      <dl>
        <dt>{t("field.holderName")}</dt>
        <dd data-testid="check-holder">{r.holderName ?? <span class="muted">{t("checks.unknown")}</span>}</dd>
        <dt>{t("field.account")}</dt>
        <dd class="mono">{displayValue(r.suspectKind, r.suspectValue)}</dd>
        <dt>{t("field.amount")}</dt>
        <dd>
          <Money fen={r.amountFen} />
        </dd>
      </dl>
      {p.transactions.length > 0 ? (
        <table data-testid="check-transactions">
          <thead>
            <tr>
              <th>{t("checks.at")}</th>
              <th class="num">{t("checks.txAmount")}</th>
              <th>{t("field.payerAccount")}</th>
              <th>{t("field.payerName")}</th>
              <th>{t("field.serialNo")}</th>
            </tr>
          </thead>
          <tbody>
            {p.transactions.map((x) => (
              <tr>
                <td>
                  <When at={x.at} />
                </td>
                <td class="num">
                  <Money fen={x.amountFen} />
                </td>
                <td class="mono">{x.payerAccount ?? "—"}</td>
                <td>{x.payerName ?? "—"}</td>
                <td class="mono">{x.serialNo ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{t("checks.noTransactions")}</p>
      )}
    </section>
  );
}

/** A freeze's (or its renewal's) term, approval, scope and interest. */
export function FreezeTerms(p: { t: T; r: RequestView }) {
  const { t, r } = p;
  if (r.kind !== "freeze" && r.kind !== "freeze_renewal" && r.kind !== "freeze_release") return null;
  return (
    <dl class="card" data-testid="freeze-terms">
      {r.kind !== "freeze_release" && (
        <>
          <dt>{t("field.term")}</dt>
          <dd data-testid="freeze-term">{t(`terms.term.${r.term ?? "6m"}`)}</dd>
        </>
      )}
      {r.approvalBy && (
        <>
          <dt>{t("field.approval")}</dt>
          <dd data-testid="freeze-approval">
            {r.approvalBy} · <When at={r.approvalAt} /> · {r.approvalRef}
          </dd>
        </>
      )}
      <dt>{t("field.scope")}</dt>
      <dd>{t(`terms.scope.${r.scope ?? "amount"}`)}</dd>
      <dt>{t("terms.interest")}</dt>
      <dd>{t(r.includesInterest ? "terms.interest.yes" : "terms.interest.no")}</dd>
    </dl>
  );
}
