// Form messages written in the schemas (English: the API answers with them), in Chinese for pages,
// each under a code; a number in a message is {n}. zod's own messages are translated with zod's
// zh-CN locale instead (views/components.tsx issueText).
import { dictionary } from "./dictionary";

const MESSAGES = {
  required: ["required", "必填"],
  tooLong: ["at most {n} characters", "最多 {n} 个字符"],
  notDateTime: ["not a date and time", "不是有效的日期时间"],
  chooseFraudType: ["choose a fraud type", "请选择诈骗类型"],
  chooseStatus: ["choose a status", "请选择状态"],
  chooseGrade: ["choose a grade", "请选择风险等级"],
  chooseOutcome: ["choose an outcome", "请选择结果"],
  chooseResult: ["choose a result", "请选择结果"],
  notYuan: ["not an amount in yuan, e.g. 12,345.67", "不是以元为单位的金额，例如 12,345.67"],
  notYuanPlain: ["not an amount in yuan (e.g. 1234.50)", "不是以元为单位的金额，例如 1234.50"],
  notRecordNumber: ["not a record number", "不是有效的记录编号"],
  enterIdentifier: ["enter the number or account", "请填写号码或账号"],
  enterAccount: ["enter the account", "请填写账号"],
  enterAmount: ["enter the amount", "请填写金额"],
  enterDateTime: ["enter the date and time", "请填写日期时间"],
  suspectOrValue: ["give exactly one of suspectId and value", "选择已录入的号码或填写新号码，二者只能选一"],
  notDate: ["must be a real date written YYYY-MM-DD", "应为真实日期，格式 YYYY-MM-DD"],
  dateRequired: ["is required, written YYYY-MM-DD", "必填，格式 YYYY-MM-DD"],
  notMonth: ["must be a month written YYYY-MM", "应为月份，格式 YYYY-MM"],
  notQuarter: ["must be a quarter written YYYY-Qn", "应为季度，格式 YYYY-Qn"],
  notGiven: ["not given", "未填写"],
  tooMuchText: ["too much text: import a file instead", "文字太多：请改用文件导入"],
  fromAfterTo: ["from must not be after to", "开始日期不能晚于结束日期"],
  pasteSome: ["paste at least one number or account", "请至少粘贴一个号码或账号"],
  tooManyValues: ["at most {n} values", "最多 {n} 个"],
  chooseFile: ["choose a file to import", "请选择要导入的文件"],
  giveReason: ["give the reason", "请填写原因"],
  // the request forms' rules (src/requests/schemas.ts)
  freezeNeedsApproval: [
    "a {n}-month freeze needs the city-level approval (by, at, ref) of a major, complex case",
    "冻结 {n} 个月须有重大复杂案件的市级批准（批准人、时间、文号）",
  ],
  renewalTooLong: [
    "a renewal holds for at most the freeze's own term ({n}m)",
    "继续冻结的期限不能超过原冻结期限（{n} 个月）",
  ],
  enterBalance: ["enter the balance stopped on the account", "请填写止付的账户余额"],
  zeroConfirmation: [
    "a confirmation of ¥{n} is no stop, freeze or return: reject or report a failure instead",
    "金额为 ¥{n} 不能办结：请选择拒绝或办理失败",
  ],
  approvalIncomplete: [
    "the approval needs who approved, when, and its reference",
    "市级批准须填写批准人、批准时间和批准文号",
  ],
  freezeNeedsAmount: [
    "a freeze of a sum needs the amount (or scope: account for the whole account)",
    "冻结指定金额须填写金额（冻结整个账户请选择“冻结整个账户”）",
  ],
  zeroStopPayment: ["a stop_payment of ¥{n} is refused: enter the amount", "止付金额不能为 ¥{n}，请填写金额"],
  zeroFreeze: ["a freeze of ¥{n} is refused: enter the amount", "冻结金额不能为 ¥{n}，请填写金额"],
  zeroReturn: ["a return of ¥{n} is refused: enter the amount", "返还金额不能为 ¥{n}，请填写金额"],
  reasonCodeOnlyOnReject: ["a reason code comes with a rejection", "拒绝原因只在拒绝时填写"],
  releaseHasNoTerm: ["a release has no term", "解除冻结没有期限"],
  termOnlyOnRenewal: ["only a freeze's renewal has a term", "只有继续冻结才有期限"],
  holderOnlyOnAccount: ["only a bank account has a holder and transactions", "只有银行账户才有户名和交易明细"],
} as const satisfies Record<string, readonly [en: string, zh: string]>;
type Code = keyof typeof MESSAGES;

// A form field's name as an error summary says it ("我的电话：…", never "connectTo:"), by the
// field's name in the form; a nested field (victim.phone) may also be found by its last part.
const FIELDS = {
  action: ["动作", "Action"],
  age: ["年龄", "Age"],
  amount: ["金额", "Amount"],
  amountAtRisk: ["涉险金额", "Amount at risk"],
  approvalAt: ["批准时间", "Approved at"],
  approvalBy: ["批准人", "Approved by"],
  approvalRef: ["批准文号", "Approval reference"],
  assignee: ["承办人", "Assignee"],
  at: ["时间", "Time"],
  balance: ["余额", "Balance"],
  caseId: ["警情编号", "Case number"],
  channel: ["渠道", "Channel"],
  connectTo: ["我的电话", "My phone"],
  district: ["辖区", "District"],
  dueAt: ["到期时间", "Due"],
  filedAt: ["立案时间", "Filed at"],
  followUpAt: ["回访时间", "Follow-up at"],
  fraudType: ["诈骗类型", "Fraud type"],
  from: ["开始日期", "From"],
  grade: ["风险等级", "Grade"],
  holderName: ["户名", "Holder's name"],
  idNumber: ["身份证号", "ID number"],
  includesInterest: ["含利息", "Includes interest"],
  kind: ["类型", "Kind"],
  loss: ["损失金额", "Loss"],
  message: ["内容", "Message"],
  method: ["方式", "Method"],
  month: ["月份", "Month"],
  narrative: ["简要案情", "Narrative"],
  note: ["说明", "Note"],
  objector: ["异议人", "Objector"],
  outcome: ["结果", "Outcome"],
  paidAmount: ["支付金额", "Amount paid"],
  paidTo: ["收款账户", "Paid to"],
  parentRequestId: ["上一级请求", "Previous request"],
  phone: ["电话", "Phone"],
  quarter: ["季度", "Quarter"],
  reason: ["原因", "Reason"],
  reasonCode: ["拒绝原因", "Reason"],
  reasonNote: ["原因说明", "Reason note"],
  receivedAt: ["接报时间", "Received at"],
  requestKind: ["请求类型", "Request kind"],
  riskGrade: ["风险等级", "Risk grade"],
  riskLevel: ["风险等级", "Risk level"],
  scheduledAt: ["预约时间", "Scheduled at"],
  scope: ["冻结范围", "Scope"],
  solvedAt: ["破案时间", "Solved at"],
  status: ["状态", "Status"],
  suspectId: ["涉诈号码/账户", "Suspect"],
  suspectValue: ["涉诈号码/账户", "Suspect number or account"],
  suspectsDetained: ["抓获人数", "Suspects detained"],
  term: ["冻结期限", "Term"],
  text: ["内容", "Text"],
  to: ["结束日期", "To"],
  value: ["号码或账号", "Number or account"],
  account: ["账号", "Account"],
  payerAccount: ["付款账号", "Payer's account"],
  payerName: ["付款人", "Payer"],
  serialNo: ["交易流水号", "Serial number"],
  branch: ["开户网点", "Branch"],
  holder: ["户名", "Holder"],
  file: ["文件", "File"],
  q: ["查询", "Search"],
} as const satisfies Record<string, readonly [zh: string, en: string]>;

const byLang = <P extends string, K extends string>(prefix: P, table: Record<K, readonly string[]>, i: 0 | 1) =>
  Object.fromEntries(Object.entries<readonly string[]>(table).map(([k, v]) => [`${prefix}.${k}`, v[i]!])) as Record<
    `${P}.${K}`,
    string
  >;

export default dictionary({
  zh: { ...byLang("form", MESSAGES, 1), ...byLang("field", FIELDS, 0) },
  en: { ...byLang("form", MESSAGES, 0), ...byLang("field", FIELDS, 1) },
});

// a schema's English message → its code, a number in it as {n}
const CODES = new Map(Object.entries(MESSAGES).map(([code, [en]]) => [en as string, code as Code]));

/** The dictionary key of a schema's message, its first number as {n}; null for a message not written here (zod's own). */
export function formMessageKey(message: string): { key: `form.${Code}`; params?: { n: string } } | null {
  const exact = CODES.get(message);
  if (exact) return { key: `form.${exact}` };
  const n = /\d+/.exec(message)?.[0];
  const code = n === undefined ? undefined : CODES.get(message.replace(n, "{n}"));
  return code ? { key: `form.${code}`, params: { n: n! } } : null;
}
