import type { T } from "../i18n";
import { When } from "../components";
import type { auditLog } from "../../src/db/schema";

type Row = typeof auditLog.$inferSelect;

export function AuditPage(props: { t: T; rows: Row[]; filter: Record<string, string>; nextBefore?: number }) {
  const { t, filter } = props;
  const qs = (extra: Record<string, string>) => "?" + new URLSearchParams({ ...filter, ...extra }).toString();
  return (
    <>
      <h1>{t("audit.title")}</h1>
      <form method="get" action="/audit" class="row card" hx-get="/audit" hx-target="#audit-rows" hx-select="#audit-rows" hx-push-url="true">
        <label>
          {t("audit.actor")}
          <input name="actor" value={filter.actor ?? ""} />
        </label>
        <label>
          {t("audit.action")}
          <input name="action" value={filter.action ?? ""} />
        </label>
        <label>
          {t("audit.entity")}
          <input name="entity" value={filter.entity ?? ""} />
        </label>
        <label>
          {t("audit.entityId")}
          <input name="entityId" value={filter.entityId ?? ""} />
        </label>
        <label>
          {t("common.from")}
          <input type="date" name="from" value={filter.from ?? ""} />
        </label>
        <label>
          {t("common.to")}
          <input type="date" name="to" value={filter.to ?? ""} />
        </label>
        <button type="submit">{t("common.filter")}</button>
      </form>
      <div id="audit-rows">
        <table>
          <thead>
            <tr>
              <th>{t("common.time")}</th>
              <th>{t("audit.actor")}</th>
              <th>{t("audit.action")}</th>
              <th>{t("audit.entity")}</th>
              <th>{t("audit.entityId")}</th>
              <th>{t("audit.ip")}</th>
              <th>{t("audit.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 && (
              <tr>
                <td colspan={7} class="muted">
                  {t("common.none")}
                </td>
              </tr>
            )}
            {props.rows.map((r) => (
              <tr>
                <td>
                  <When at={r.at} />
                </td>
                <td>{r.actor}</td>
                <td>{r.action}</td>
                <td>{r.entity}</td>
                <td>{r.entityId}</td>
                <td>{r.ip}</td>
                <td class="muted">
                  <code>{r.detail}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.nextBefore && <a href={qs({ before: String(props.nextBefore) })}>{t("common.next")} →</a>}
      </div>
    </>
  );
}
