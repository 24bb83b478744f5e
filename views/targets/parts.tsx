// Pieces the queue, the target page and the live call status share.
import { formatPhone } from "../../src/domain/identifiers";
import { isFinalStatus, type Light as LightColour } from "../../src/domain/queue";
import type { TargetView } from "../../src/targets/service";
import type { WarningView } from "../../src/targets/warnings";
import { Light, When } from "../components";
import { known, type T } from "../i18n";

/** A stored E.164 number the way people dial it (138 0013 8000). */
export function phoneText(e164: string): string {
  return formatPhone(e164);
}

export function GradePill(p: { t: T; grade: TargetView["riskGrade"] }) {
  const style =
    p.grade === "high"
      ? "background:#fef3f2;border-color:#fecdca;color:#b42318"
      : p.grade === "medium"
        ? "background:#fffaeb;border-color:#fedf89;color:#b54708"
        : undefined;
  return (
    <span class="pill" style={style} data-grade={p.grade}>
      {p.t(`targets.grade.${p.grade}`)}
    </span>
  );
}

export function TargetLight(p: { t: T; light: LightColour }) {
  return <Light colour={p.light} label={p.t(`targets.light.${p.light}`)} />;
}

/** Where a target stands: held by someone, waiting for its retry, or closed with its outcome. */
export function TargetState(p: { t: T; target: TargetView; now: number }) {
  const { t, target: x, now } = p;
  if (x.status === "closed")
    return <span>{t("targets.closedWith", { outcome: x.outcome ? t(`targets.outcome.${x.outcome}`) : "—" })}</span>;
  if (x.leaseExpiresAt !== null && x.leaseExpiresAt > now) {
    return (
      <span class="muted">
        {t("targets.claimedBy", { name: x.claimerName ?? "—", until: timeOnly(x.leaseExpiresAt) })}
      </span>
    );
  }
  if (x.availableAt > now) return <span class="muted">{t("targets.retryAt", { at: timeOnly(x.availableAt) })}</span>;
  return <span>{t("targets.state.open")}</span>;
}

const hhmm = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
/** HH:mm in Shanghai time: for leases and retries, which are minutes away. */
export const timeOnly = (ms: number) => hhmm.format(ms);

/**
 * A call's or SMS's provider status. While it can still change, the element listens to the
 * warning's event stream and htmx swaps in each new status as it arrives.
 */
export function ProviderStatus(p: {
  t: T;
  warning: Pick<WarningView, "id" | "channel" | "providerStatus" | "provider">;
}) {
  const w = p.warning;
  if (w.channel !== "call" && w.channel !== "sms") return null;
  const kind = w.channel === "call" ? "call" : "sms";
  const live = w.provider !== "outbox" && !(w.providerStatus && isFinalStatus(kind, w.providerStatus));
  return (
    <span
      data-testid={`provider-status-${w.id}`}
      hx-ext={live ? "sse" : undefined}
      sse-connect={live ? `/targets/warnings/${w.id}/events` : undefined}
      sse-swap={live ? "status" : undefined}
    >
      <StatusText t={p.t} status={w.providerStatus} outbox={w.provider === "outbox"} />
    </span>
  );
}

/** A provider's status (queued, ringing, in-progress …) in the reader's words; an unknown one as sent. */
export const statusWords = (t: T, status: string): string => known(t, `call.status.${status}`) ?? status;

export function StatusText(p: { t: T; status: string | null; outbox: boolean }) {
  return (
    <>
      <span class="pill" data-status={p.status ?? ""} data-testid="call-status">
        {p.status ? statusWords(p.t, p.status) : "—"}
      </span>
      {p.outbox && <span class="muted"> {p.t("targets.notSent")}</span>}
    </>
  );
}

/** A visit's assignee is stored as "police_station:城关派出所"; other text is shown as it is. */
export function assigneeText(t: T, raw: string | null): string {
  if (!raw) return "";
  const m = /^(police_station|grid_worker):(.*)$/s.exec(raw);
  return m ? `${t(`targets.assignee.${m[1] as "police_station" | "grid_worker"}`)} ${m[2]}` : raw;
}
