// The table of cases the case list and a suspect's page both show; each adds one column of its own.
import type { Child } from "hono/jsx";
import { formatFen } from "../../src/domain/money";
import { When } from "../components";
import { known, type T } from "../i18n";

type CaseSummary = {
  id: number;
  receivedAt: Date | number;
  fraudType: string;
  district: string;
  lossFen: number;
  status: string;
};

export function CaseTable<R extends CaseSummary>(p: {
  t: T;
  rows: R[];
  testid?: string;
  last: { head: string; cell: (c: R) => Child };
}) {
  const { t } = p;
  return (
    <table data-testid={p.testid}>
      <thead>
        <tr>
          <th>{t("cases.id")}</th>
          <th>{t("cases.receivedAt")}</th>
          <th>{t("field.fraudType")}</th>
          <th>{t("field.district")}</th>
          <th class="num">{t("cases.lossShort")}</th>
          <th>{t("field.status")}</th>
          <th class="num">{p.last.head}</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((c) => (
          <tr>
            <td>
              <a href={`/cases/${c.id}`}>#{c.id}</a>
            </td>
            <td>
              <When at={c.receivedAt} />
            </td>
            <td>{known(t, `cases.fraud.${c.fraudType}`) ?? c.fraudType}</td>
            <td>{c.district}</td>
            <td class="num">{formatFen(c.lossFen)}</td>
            <td>
              <span class="pill">{known(t, `cases.state.${c.status}`) ?? c.status}</span>
            </td>
            <td class="num">{p.last.cell(c)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
