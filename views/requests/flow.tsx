// A case's fund flow (资金流向): the level-1 account that received the victim's money, the
// accounts it paid on to (level 2, 3 …) with the amounts moved, and each account's requests and
// their states; above it, the case's money adding up. The case's flow page (/cases/:id/flow) shows it.
import { formatFen } from "../../src/domain/money";
import type { CaseFunds } from "../../src/domain/requests";
import type { FlowNode, FundFlow } from "../../src/requests/flow";
import { Light } from "../components";
import type { Lang, T } from "../i18n";
import { SendButton } from "./list";
import { displayValue, KindLabel, StatusPill } from "./parts";

function FundsSummary(p: { t: T; funds: CaseFunds }) {
  const { t, funds } = p;
  const keys = ["lost", "stopped", "frozen", "returned", "stillFrozen", "unfrozen", "unrecovered"] as const;
  return (
    <div class="grid" data-testid="funds">
      {keys.map((k) => (
        <div class="stat">
          <div class="n" data-testid={`funds-${k}`}>
            {formatFen(funds[k])}
          </div>
          <div class="l">{t(`requests.funds.${k}`)}</div>
        </div>
      ))}
    </div>
  );
}

function Node(p: { t: T; lang: Lang; n: FlowNode; csrf: string | null }) {
  const { t, n } = p;
  return (
    <li data-level={String(n.level)} data-suspect-id={String(n.suspectId)}>
      <div class="card" style="margin:.3rem 0">
        <span class="pill">{t("requests.levelN", { n: n.level })}</span>{" "}
        <a class="mono" href={`/suspects/${n.suspectId}`}>
          {displayValue(n.kind, n.value)}
        </a>{" "}
        {n.bank && <span class="muted">{p.lang === "zh" ? n.bank.nameZh : n.bank.nameEn}</span>}
        {n.inflowFen != null && <strong> · {t("requests.inflow", { amount: formatFen(n.inflowFen) })}</strong>}
        {n.requests.length > 0 && (
          <ul class="flow-requests">
            {n.requests.map((r) => (
              <li>
                <Light colour={r.light} />
                <a href={`/requests/${r.id}`}>
                  <KindLabel t={t} kind={r.kind} /> #{r.id}
                </a>{" "}
                <StatusPill t={t} status={r.status} />{" "}
                {r.doneAmountFen != null
                  ? formatFen(r.doneAmountFen)
                  : r.amountFen != null
                    ? formatFen(r.amountFen)
                    : ""}{" "}
                {r.status === "draft" && p.csrf !== null && <SendButton t={t} csrf={p.csrf} id={r.id} />}
              </li>
            ))}
          </ul>
        )}
      </div>
      {n.children.length > 0 && (
        <ul
          class="flow"
          style="margin-left:1.5rem;list-style:none;padding-left:.8rem;border-left:2px solid var(--line)"
        >
          {n.children.map((c) => (
            <Node {...p} n={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The chain level 1 → 2 → 3 … with amounts and states; pass csrf to offer sending drafts. */
function FundFlowView(p: { t: T; lang: Lang; flow: FundFlow; csrf: string | null }) {
  const { t, flow } = p;
  return (
    <div data-testid="fund-flow">
      <FundsSummary t={t} funds={flow.funds} />
      <h2>{t("requests.flow")}</h2>
      {flow.accounts.length === 0 ? (
        <p class="muted">{t("common.none")}</p>
      ) : (
        <ul class="flow" style="list-style:none;padding-left:0">
          {flow.accounts.map((n) => (
            <Node t={t} lang={p.lang} n={n} csrf={p.csrf} />
          ))}
        </ul>
      )}
      {flow.numbers.length > 0 && (
        <>
          <h2>{t("requests.numbers")}</h2>
          <ul class="flow" style="list-style:none;padding-left:0">
            {flow.numbers.map((n) => (
              <Node t={t} lang={p.lang} n={n} csrf={p.csrf} />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function FundFlowPage(p: { t: T; lang: Lang; flow: FundFlow; csrf: string | null }) {
  const { t, flow } = p;
  return (
    <div hx-ext="sse" sse-connect="/requests/events">
      <p>
        <a href={`/cases/${flow.caseId}`}>
          ← {t("requests.case")} #{flow.caseId}
        </a>{" "}
        · <a href={`/requests?caseId=${flow.caseId}`}>{t("cases.requests")}</a> ·{" "}
        <a href={`/requests/new?caseId=${flow.caseId}`}>{t("requests.new")}</a>
      </p>
      <h1>{t("requests.flowTitle", { id: flow.caseId })}</h1>
      <div
        id="flow-live"
        hx-get={`/cases/${flow.caseId}/flow`}
        hx-select="#flow-live"
        hx-swap="outerHTML"
        hx-trigger="sse:changed throttle:500ms"
      >
        <FundFlowView {...p} />
      </div>
    </div>
  );
}
