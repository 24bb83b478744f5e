// A sent instruction as its A4 notice (文书), printed from the browser. The form is the legal
// document: Chinese in both interface languages, printed from exactly what was signed. The page
// around it (links, print button) follows the reader's language and does not print.
import { raw } from "hono/html";
import { fenToCapitals, formatFen } from "../../src/domain/money";
import type { DocumentKind } from "../../src/domain/signing";
import { formatInstant, shanghaiDate } from "../../src/domain/time";
import type { Notice, SignedPayload } from "../../src/requests/notices";
import type { T } from "../i18n";

export const NOTICE_TITLE: Record<DocumentKind, string> = {
  stop_payment: "紧急止付通知书",
  renew_stop_payment: "继续止付通知书",
  release_stop_payment: "解除紧急止付通知书",
  freeze: "协助冻结财产通知书",
  renew_freeze: "继续冻结通知书",
  release_freeze: "解除冻结通知书",
  return: "协助返还资金通知书",
  suspend_number: "停机通知书",
  restore_number: "复机通知书",
  close_card: "断卡通知书",
};

const ANTI_FRAUD_LAW = "《中华人民共和国反电信网络诈骗法》";
const CPL_144 = "《中华人民共和国刑事诉讼法》第一百四十四条";

/** The legal basis each notice cites. */
const BASIS: Record<DocumentKind, string> = {
  stop_payment: `${ANTI_FRAUD_LAW}及电信网络新型违法犯罪紧急止付有关规定`,
  renew_stop_payment: `${ANTI_FRAUD_LAW}及电信网络新型违法犯罪紧急止付有关规定`,
  release_stop_payment: `${ANTI_FRAUD_LAW}及电信网络新型违法犯罪紧急止付有关规定`,
  freeze: `${CPL_144}和${ANTI_FRAUD_LAW}`,
  renew_freeze: `${CPL_144}和${ANTI_FRAUD_LAW}`,
  release_freeze: `${CPL_144}和${ANTI_FRAUD_LAW}`,
  return: `${ANTI_FRAUD_LAW}及《电信网络新型违法犯罪案件冻结资金返还若干规定》`,
  suspend_number: ANTI_FRAUD_LAW,
  restore_number: ANTI_FRAUD_LAW,
  close_card: ANTI_FRAUD_LAW,
};

/** What the institution is asked to do, after the legal basis. */
function ask(p: SignedPayload): string {
  const orig = p.request.parentDocumentNo ? `（原文书：${p.request.parentDocumentNo}）` : "";
  switch (p.documentKind) {
    case "stop_payment":
      return "我单位在办理电信网络诈骗案件中，需对下列账户采取紧急止付措施（账户可以收款，不得支付），请立即核对户名、账号、汇款金额及交易时间，相符的予以止付并回复。";
    case "renew_stop_payment":
      return "下列账户的紧急止付期限即将届满，请自原止付期限届满时起继续止付四十八小时（同一账户以续止一次为限）。";
    case "release_stop_payment":
      return `请解除对下列账户的紧急止付${orig}。`;
    case "freeze":
      return "我单位在办理电信网络诈骗案件中，需冻结下列财产，请予协助，并填写回执。";
    case "renew_freeze":
      return `请对下列原冻结财产继续冻结${orig}，冻结期限自原冻结期限届满之日起计算，并填写回执。`;
    case "release_freeze":
      return `请解除对下列财产的冻结${orig}。`;
    case "return":
      return `经审查，下列冻结资金应返还被害人${orig}。请将下列款项返还至被害人账户，当场办理或者在三个工作日内办结，未返还部分继续冻结。`;
    case "suspend_number":
      return "下列电话号码涉嫌用于电信网络诈骗，请予停机处置，并依规要求机主重新实名核验。";
    case "restore_number":
      return "经核查，下列电话号码的机主申诉成立，请予复机。";
    case "close_card":
      return "下列电话卡 / 银行卡涉嫌用于电信网络诈骗，请予关停（断卡）处置。";
  }
}

const cnDate = (isoAt: string) => {
  const [y, m, d] = shanghaiDate(Date.parse(isoAt)).split("-");
  return `${y}年${Number(m)}月${Number(d)}日`;
};

const TERM: Record<string, string> = { "6m": "六个月", "12m": "十二个月（重大复杂案件，经市级公安机关批准）" };
const SCOPE: Record<string, string> = { amount: "限额冻结（冻结上列金额）", account: "账户冻结（冻结整个账户）" };

function Row(p: { label: string; children: unknown }) {
  return (
    <tr>
      <th>{p.label}</th>
      <td>{p.children as never}</td>
    </tr>
  );
}

function Facts(p: { n: SignedPayload }) {
  const n = p.n;
  const isAccount = n.subject.kind === "bank_account";
  const isFreeze = n.documentKind === "freeze" || n.documentKind === "renew_freeze";
  return (
    <table class="facts">
      <tbody>
        {isAccount && <Row label="户　　名">{n.subject.holderName ?? "　"}</Row>}
        <Row label={isAccount ? "账　　号" : "电话号码"}>{n.subject.value}</Row>
        <Row label={isAccount ? "开户银行" : "运营商"}>
          {n.institution.name}
          {n.subject.branch ? ` ${n.subject.branch}` : ""}
        </Row>
        {n.amount != null && (
          <Row label={n.documentKind === "return" ? "返还金额" : isFreeze ? "冻结数额" : "止付金额"}>
            {fenToCapitals(n.amount)}（{formatFen(n.amount)}）
          </Row>
        )}
        {n.returnTo && (
          <Row label="返还至账户">
            {n.returnTo.account ?? "　"}
            {n.returnTo.reason ? `（非原付款账户，理由：${n.returnTo.reason}）` : "（被害人原付款账户）"}
          </Row>
        )}
        {isFreeze && n.term && (
          <Row label="冻结期限">
            {n.documentKind === "renew_freeze"
              ? `自原冻结期限届满之日起${TERM[n.term] ?? n.term}`
              : `自冻结之日起${TERM[n.term] ?? n.term}`}
          </Row>
        )}
        {n.expiresAt && <Row label="续期至">{formatInstant(Date.parse(n.expiresAt))}</Row>}
        {isFreeze && n.scope && <Row label="冻结范围">{SCOPE[n.scope] ?? n.scope}</Row>}
        {isFreeze && n.includesInterest != null && (
          <Row label="孳　　息">{n.includesInterest ? "一并冻结孳息（利息）" : "不冻结孳息（利息）"}</Row>
        )}
        {n.documentKind.endsWith("stop_payment") && n.documentKind !== "release_stop_payment" && (
          <Row label="止付期限">四十八小时（自止付之时起）</Row>
        )}
      </tbody>
    </table>
  );
}

function Transactions(p: { rows: NonNullable<SignedPayload["transactions"]> }) {
  return (
    <table class="tx">
      <caption>涉案交易</caption>
      <thead>
        <tr>
          <th>交易时间</th>
          <th>金额</th>
          <th>付款账户</th>
          <th>付款人</th>
          <th>交易流水号</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((x) => (
          <tr>
            <td>{formatInstant(Date.parse(x.at))}</td>
            <td class="num">{formatFen(x.amount)}</td>
            <td>{x.payerAccount ?? ""}</td>
            <td>{x.payerName ?? ""}</td>
            <td>{x.serialNo ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Officers(p: { n: SignedPayload }) {
  const o = p.n.officers;
  const one = (i: number) => (o[i] ? `${o[i].name}（警号 ${o[i].badgeNo ?? "　　　　"}）` : "＿＿＿＿（警号＿＿＿＿）");
  return (
    <p class="officers">
      承办人：{one(0)}　{one(1)}
    </p>
  );
}

/** The bank's receipt (回执), cut off and returned with the notice. */
function Receipt(p: { n: SignedPayload }) {
  const n = p.n;
  return (
    <section class="receipt" data-testid="receipt">
      <div class="cut">（此联由协助单位填写后退回）</div>
      <h2>{n.documentKind === "renew_freeze" ? "继续冻结回执" : "协助冻结财产回执"}</h2>
      <p class="no">{n.documentNo}</p>
      <p>{n.issuer.name}：</p>
      <p class="body">
        你单位 {n.documentNo} {NOTICE_TITLE[n.documentKind]}收悉。我单位已于＿＿＿＿年＿＿月＿＿日＿＿时＿＿分对户名{" "}
        {n.subject.holderName ?? "＿＿＿＿"}、账号 {n.subject.value} 的账户
        {n.documentKind === "renew_freeze" ? "继续冻结" : "冻结"}
        人民币（大写）＿＿＿＿＿＿＿＿＿＿（¥＿＿＿＿＿＿），冻结期限至＿＿＿＿年＿＿月＿＿日。该账户当前余额
        ¥＿＿＿＿＿＿。
      </p>
      <p class="sign">协助单位（盖章）：{n.institution.name}　　经办人：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日</p>
    </section>
  );
}

const PRINT_CSS = `
@page { size: A4; margin: 20mm 18mm; }
.notice-page { max-width: 210mm; margin: 0 auto; }
.notice { background: #fff; color: #000; padding: 16mm 14mm; border: 1px solid #ccc; font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.8; }
.notice h1 { text-align: center; font-size: 20pt; letter-spacing: .2em; margin: 0 0 .2em; }
.notice h2 { text-align: center; font-size: 16pt; margin: .4em 0; }
.notice .issuer { text-align: center; font-size: 14pt; margin: 0; }
.notice .no { text-align: right; margin: .4em 0 1em; }
.notice .body { text-indent: 2em; }
.notice table { border-collapse: collapse; width: 100%; margin: .6em 0; }
.notice th, .notice td { border: 1px solid #000; padding: 2mm 3mm; text-align: left; vertical-align: top; }
.notice .facts th { width: 28mm; white-space: nowrap; font-weight: normal; }
.notice .tx { font-size: 10pt; }
.notice .tx caption { text-align: left; font-weight: bold; }
.notice .tx .num { text-align: right; }
.notice .seal { text-align: right; margin-top: 2em; }
.notice .esig { font-size: 8pt; color: #333; word-break: break-all; border-top: 1px solid #999; margin-top: 1.5em; padding-top: 1mm; }
.notice .receipt { margin-top: 2em; }
.notice .cut { border-top: 1px dashed #000; text-align: center; font-size: 9pt; padding-top: 1mm; }
@media print {
  header.top, .no-print { display: none !important; }
  body, main { margin: 0; padding: 0; background: #fff; }
  .notice { border: 0; padding: 0; }
  .notice .receipt { break-before: page; }
}`;

export function NoticePage(p: { t: T; n: Notice; back: string }) {
  const { t, n } = p;
  const d = n.payload;
  return (
    <div class="notice-page">
      <style>{raw(PRINT_CSS)}</style>
      <p class="no-print">
        <a href={p.back}>← {t("notice.back")}</a>
        {" · "}
        <button type="button" data-print data-testid="print">
          {t("notice.print")}
        </button>
        {n.all.length > 1 && (
          <>
            {" · "}
            {t("notice.others")}：
            {n.all.map((x) => (
              <>
                {" "}
                <a href={`/requests/${n.requestId}/notice?doc=${x.id}`} class={x.id === n.id ? "on" : undefined}>
                  {NOTICE_TITLE[x.kind]} {x.documentNo}
                </a>
              </>
            ))}
          </>
        )}
      </p>
      <article class="notice" data-testid="notice" lang="zh-CN">
        <p class="issuer">{d.issuer.name}</p>
        <h1>{NOTICE_TITLE[d.documentKind]}</h1>
        <p class="no" data-testid="document-no">
          {d.documentNo}
        </p>
        <p>{d.institution.name}：</p>
        <p class="body">
          根据{BASIS[d.documentKind]}之规定，{ask(d)}
        </p>
        <Facts n={d} />
        {d.transactions && d.transactions.length > 0 && <Transactions rows={d.transactions} />}
        <Officers n={d} />
        <p class="seal">
          {d.issuer.name}（盖章）
          <br />
          {cnDate(d.issuedAt)}
        </p>
        <p class="esig">
          本文书已由{d.issuer.name}以 Ed25519 电子签名（密钥 {n.keyId}），签名：{n.signature}。验证公钥见
          /api/v1/signing-keys。
        </p>
        {(d.documentKind === "freeze" || d.documentKind === "renew_freeze") && <Receipt n={d} />}
      </article>
    </div>
  );
}

/** Links to a request's notices (request page, desk page), from the request's instructions JSON. */
export function NoticeLinks(p: { t: T; requestId: number; instructionsJson: string | null | undefined }) {
  const all = p.instructionsJson
    ? (JSON.parse(p.instructionsJson) as { id: number; kind: DocumentKind; documentNo: string }[])
    : [];
  if (!all.length) return null;
  return (
    <p class="notices" data-testid="notice-links">
      {p.t("notice.open")}：
      {all.map((x, i) => (
        <>
          {i > 0 && "，"}
          <a href={`/requests/${p.requestId}/notice${i === 0 ? "" : `?doc=${x.id}`}`}>
            {NOTICE_TITLE[x.kind]} {x.documentNo}
          </a>
        </>
      ))}
    </p>
  );
}
