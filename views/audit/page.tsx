import type { auditLog } from "../../src/db/schema";
import { When } from "../components";
import type { T } from "../i18n";
import {
  AUDIT_ACTIONS,
  AUDIT_ENTITIES,
  actionLabel,
  actorLabel,
  detailLines,
  entityLabel,
  originLabel,
} from "./describe";

type Row = typeof auditLog.$inferSelect;

export function AuditPage(props: {
  t: T;
  rows: Row[];
  filter: Record<string, string>;
  nextBefore?: number;
  institutions?: Record<string, string>;
}) {
  const { t, filter } = props;
  const qs = (extra: Record<string, string>) => "?" + new URLSearchParams({ ...filter, ...extra }).toString();
  return (
    <>
      <h1>{t("nav.audit")}</h1>
      <form
        method="get"
        action="/audit"
        class="row card"
        hx-get="/audit"
        hx-target="#audit-rows"
        hx-select="#audit-rows"
        hx-push-url="true"
      >
        <label>
          {t("audit.actor")}
          <input name="actor" value={filter.actor ?? ""} />
        </label>
        <label>
          {t("field.action")}
          <select name="action">
            <option value="">{t("audit.any")}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option value={a} selected={filter.action === a}>
                {actionLabel(t, a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.entity")}
          <select name="entity">
            <option value="">{t("audit.any")}</option>
            {AUDIT_ENTITIES.map((e) => (
              <option value={e} selected={filter.entity === e}>
                {entityLabel(t, e)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("audit.entityId")}
          <input name="entityId" value={filter.entityId ?? ""} size={8} />
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
        <table class="audit">
          <thead>
            <tr>
              <th>{t("field.at")}</th>
              <th>{t("audit.actor")}</th>
              <th>{t("field.action")}</th>
              <th>{t("audit.entity")}</th>
              <th>{t("audit.ip")}</th>
              <th>{t("audit.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 && (
              <tr>
                <td colspan={6} class="muted">
                  {t("common.none")}
                </td>
              </tr>
            )}
            {props.rows.map((r) => (
              <tr>
                <td>
                  <When at={r.at} />
                </td>
                <td>{actorLabel(t, r.actor)}</td>
                <td class="nowrap">{actionLabel(t, r.action)}</td>
                <td>
                  {entityLabel(t, r.entity)}
                  {r.entityId && <span class="muted"> #{r.entityId}</span>}
                </td>
                <td>{originLabel(t, r.ip)}</td>
                <td class="detail">
                  {detailLines(t, r.entity, r.detail, props.institutions).map((line) => (
                    <div>{line}</div>
                  ))}
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
