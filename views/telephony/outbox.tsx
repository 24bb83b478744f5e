// The local outbox (/outbox): every call and SMS, and — without Twilio credentials — a plain
// statement that none of it left the building.
import { maskFreeText, maskName, maskPhone } from "../../src/domain/masking";
import type { SentMessage } from "../../src/telephony/log";
import { When } from "../components";
import type { T } from "../i18n";
import { phoneText, statusWords } from "../targets/parts";

// Calls are stored as the TwiML Twilio runs: show what the callee hears, or whom they are put through to.
const decode = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
function callContent(t: T, twiml: string, showPhone: (p: string) => string): string {
  const say = /<Say[^>]*>([^<]*)<\/Say>/.exec(twiml)?.[1];
  const dial = /<Dial[^>]*>([^<]*)<\/Dial>/.exec(twiml)?.[1];
  return [say && decode(say), dial && t("outbox.connect", { phone: showPhone(decode(dial)) })]
    .filter(Boolean)
    .join(" · ");
}

export function OutboxPage(p: {
  t: T;
  provider: "twilio" | "outbox";
  file: string;
  rows: SentMessage[];
  more: boolean;
  personal: boolean;
  canOpenTargets: boolean;
}) {
  const { t } = p;
  const show = (phone: string) => (p.personal ? phoneText(phone) : maskPhone(phone));
  // a reader who may not see personal data (the admin) reads the text with numbers and the target's name masked
  const text = (m: SentMessage, s: string) =>
    p.personal ? s : maskFreeText(m.targetName ? s.replaceAll(m.targetName, maskName(m.targetName)) : s);
  return (
    <>
      <h1>{t("nav.outbox")}</h1>
      {p.provider === "outbox" ? (
        <p class="outbox-banner" role="note" data-testid="outbox-banner">
          {t("outbox.banner", { file: p.file })}
        </p>
      ) : (
        <p class="notice">{t("outbox.twilio")}</p>
      )}
      <table data-testid="outbox">
        <thead>
          <tr>
            <th>{t("field.at")}</th>
            <th></th>
            <th>{t("field.kind")}</th>
            <th>{t("outbox.to")}</th>
            <th>{t("outbox.content")}</th>
            <th>{t("field.status")}</th>
            <th>{t("outbox.target")}</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.length === 0 && (
            <tr>
              <td colspan={7} class="muted">
                {t("common.none")}
              </td>
            </tr>
          )}
          {p.rows.map((m) => (
            <tr data-sid={m.sid}>
              <td>
                <When at={m.createdAt} />
              </td>
              <td>
                {m.provider === "outbox" ? (
                  <span
                    class="pill"
                    style="background:#fffaeb;border-color:#f79009;color:#b54708"
                    data-testid="not-sent"
                  >
                    {t("outbox.notSent")}
                  </span>
                ) : (
                  <span class="pill">{t("outbox.sent")}</span>
                )}
              </td>
              <td>{t(`targets.channel.${m.channel}`)}</td>
              <td class="nowrap">{show(m.to)}</td>
              <td>{text(m, m.channel === "call" ? callContent(t, m.body ?? "", show) : (m.body ?? ""))}</td>
              <td>
                {/* the provider's status (queued, delivered…) in the reader's words; an unknown one as sent */}
                <span class="pill">{statusWords(t, m.status)}</span>
              </td>
              <td>
                {m.targetId !== null && p.canOpenTargets ? (
                  <a href={`/targets/${m.targetId}`}>#{m.targetId}</a>
                ) : m.targetId !== null ? (
                  `#${m.targetId}`
                ) : (
                  ""
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.more && (
        <p>
          <a href={`/outbox?before=${p.rows[p.rows.length - 1]!.id}`}>{t("outbox.older")}</a>
        </p>
      )}
    </>
  );
}
