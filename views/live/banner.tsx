// The live banner: what just happened, in words, with a link (and for an onward draft its send
// button). Rendered per viewer by the live stream (src/home/live.tsx), swapped in at the top of
// every page; views/static/app.js counts the unread ones in the tab title and may chime.
import type { RequestView } from "../../src/requests/read";
import { known, type Lang, type T } from "../i18n";
import { displayValue, institutionName, KindLabel, Money } from "../requests/parts";

export type Banner =
  | { kind: "answer"; r: RequestView; action: string }
  | { kind: "onward"; r: RequestView; from: number; sent: boolean }
  | { kind: "targets"; added: number }
  | { kind: "urged"; what: "request" | "target"; id: number; by: string; note: string | null; href: string };

function Shell(p: { tone: "ok" | "warn" | "bad"; testid: string; children: unknown }) {
  return (
    <div class={`live-banner ${p.tone}`} role="status" data-live-banner="unread" data-testid={p.testid}>
      {p.children}
      <button type="button" class="link live-dismiss" data-dismiss aria-label="×">
        ×
      </button>
    </div>
  );
}

const TONE: Record<string, "ok" | "warn" | "bad"> = {
  confirm: "ok",
  partial: "warn",
  acknowledge: "ok",
  reject: "bad",
  fail: "bad",
  appeal: "warn",
};

export function LiveBanner(p: { t: T; lang: Lang; csrf: string | null; b: Banner }) {
  const { t, lang, b } = p;
  if (b.kind === "answer") {
    const r = b.r;
    return (
      <Shell tone={TONE[b.action] ?? "ok"} testid={`banner-answer-${r.id}`}>
        <strong>{institutionName(lang, r)}</strong> {known(t, `live.answer.${b.action}`) ?? b.action} ·{" "}
        <KindLabel t={t} kind={r.kind} /> #{r.id} ·{" "}
        <span class="mono">{displayValue(r.suspectKind, r.suspectValue)}</span>
        {r.doneAmountFen != null && (b.action === "confirm" || b.action === "partial") && (
          <>
            {" "}
            · <Money fen={r.doneAmountFen} />
          </>
        )}{" "}
        · <a href={`/requests/${r.id}`}>{t("live.view")}</a>
      </Shell>
    );
  }
  if (b.kind === "onward") {
    const r = b.r;
    const draft = !b.sent && r.status === "draft";
    return (
      <Shell tone="warn" testid={`banner-onward-${r.id}`}>
        <strong>{t("live.onward", { from: b.from, level: r.level })}</strong> ·{" "}
        <span class="mono">{displayValue(r.suspectKind, r.suspectValue)}</span> · {institutionName(lang, r)}
        {r.amountFen != null && (
          <>
            {" "}
            · <Money fen={r.amountFen} />
          </>
        )}{" "}
        · {t(draft ? "live.onward.draft" : "live.onward.sent", { id: r.id })} ·{" "}
        <a href={`/requests/${r.id}`}>{t("live.view")}</a>
        {draft && (
          <form method="post" action={`/requests/${r.id}/send`} class="inline">
            {p.csrf && <input type="hidden" name="_csrf" value={p.csrf} />}
            <button type="submit" class="primary" data-testid={`banner-send-${r.id}`}>
              {t("live.onward.send")}
            </button>
          </form>
        )}
      </Shell>
    );
  }
  if (b.kind === "targets") {
    return (
      <Shell tone="warn" testid="banner-targets">
        <strong>{t("live.targets", { n: b.added })}</strong> · <a href="/targets">{t("live.view")}</a>
      </Shell>
    );
  }
  return (
    <Shell tone="bad" testid={`banner-urged-${b.what}-${b.id}`}>
      <strong>{t("requests.action.urge")}</strong> · {t(`live.urged.${b.what}`, { id: b.id, by: b.by })}
      {b.note && <> · {b.note}</>} · <a href={b.href}>{t("live.view")}</a>
    </Shell>
  );
}

/** The banner area and the sound switch, in the page shell for the roles that have a live stream. */
export function LiveSlot(p: { t: T }) {
  const { t } = p;
  return (
    <div id="live" class="no-print" hx-ext="sse" sse-connect="/live/events" data-live-root>
      <div class="live-bar">
        <span class="live-state" data-live-state="connecting" data-testid="live-state">
          <span data-when="connecting">○ {t("live.state.connecting")}</span>
          <span data-when="open">● {t("live.state.open")}</span>
          <span data-when="error">✕ {t("live.state.error")}</span>
        </span>
        <label class="live-sound">
          <input type="checkbox" data-sound-toggle data-testid="sound-toggle" /> {t("live.sound")}
        </label>
      </div>
      <div id="live-banners" sse-swap="banner" hx-swap="afterbegin" aria-live="polite" data-testid="live-banners"></div>
    </div>
  );
}
