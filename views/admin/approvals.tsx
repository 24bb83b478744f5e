// The supervisors' approval screen (/approvals): supervisors and admins asked for on the admin
// screen, approved or rejected by a supervisor other than the one who asked.
import type { Grant } from "../../src/admin/approvals";
import { CsrfField, When } from "../components";
import type { T } from "../i18n";

export function ApprovalsPage(p: { t: T; csrf: string | null; me: number; open: Grant[]; decided: Grant[] }) {
  const { t } = p;
  const who = (g: Grant) => (
    <>
      {t(`approvals.subject.${g.subject}`)} <strong>{g.name}</strong>
      {g.displayName && g.displayName !== g.name ? ` (${g.displayName})` : ""}
    </>
  );
  return (
    <>
      <h1>{t("nav.approvals")}</h1>
      <p class="muted">{t("approvals.intro")}</p>
      <h2>{t("approvals.open")}</h2>
      <table data-testid="approvals-open">
        <thead>
          <tr>
            <th>{t("approvals.subject")}</th>
            <th>{t("field.role")}</th>
            <th>{t("approvals.requestedBy")}</th>
            <th>{t("field.at")}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {p.open.length === 0 && (
            <tr>
              <td colspan={5} class="muted">
                {t("common.none")}
              </td>
            </tr>
          )}
          {p.open.map((g) => (
            <tr data-grant={g.id}>
              <td>{who(g)}</td>
              <td>{t(`role.${g.role}`)}</td>
              <td>{g.requestedBy}</td>
              <td>
                <When at={g.requestedAt} />
              </td>
              <td class="nowrap">
                {g.requestedById === p.me ? (
                  <span class="muted">{t("approvals.own")}</span>
                ) : (
                  <>
                    <form method="post" action={`/approvals/${g.id}/approve`} class="inline">
                      <CsrfField token={p.csrf} />
                      <button type="submit" class="primary">
                        {t("approvals.approve")}
                      </button>
                    </form>{" "}
                    <form method="post" action={`/approvals/${g.id}/reject`} class="inline">
                      <CsrfField token={p.csrf} />
                      <button type="submit" data-confirm={t("approvals.reject") + "?"}>
                        {t("approvals.reject")}
                      </button>
                    </form>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("approvals.decided")}</h2>
      <table data-testid="approvals-decided">
        <thead>
          <tr>
            <th>{t("approvals.subject")}</th>
            <th>{t("field.role")}</th>
            <th>{t("approvals.requestedBy")}</th>
            <th>{t("field.status")}</th>
            <th>{t("approvals.decidedBy")}</th>
            <th>{t("field.at")}</th>
          </tr>
        </thead>
        <tbody>
          {p.decided.length === 0 && (
            <tr>
              <td colspan={6} class="muted">
                {t("common.none")}
              </td>
            </tr>
          )}
          {p.decided.map((g) => (
            <tr>
              <td>{who(g)}</td>
              <td>{t(`role.${g.role}`)}</td>
              <td>{g.requestedBy}</td>
              <td>
                <span class="pill">{g.decision && t(`approvals.decision.${g.decision}`)}</span>
              </td>
              <td>{g.decidedBy}</td>
              <td>
                <When at={g.decidedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
