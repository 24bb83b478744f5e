// Form messages written in the schemas (English: the API answers with them), in Chinese for pages.
// Keyed by their English text; a number in a message is {n}. zod's own messages are translated
// with zod's zh-CN locale instead (views/components.tsx issueText).
import type { Dict } from "./index";

const zh: Record<string, string> = {
  required: "必填",
  "at most {n} characters": "最多 {n} 个字符",
  "not a date and time": "不是有效的日期时间",
  "choose a fraud type": "请选择诈骗类型",
  "choose a status": "请选择状态",
  "choose a grade": "请选择风险等级",
  "choose an outcome": "请选择结果",
  "choose a result": "请选择结果",
  "not an amount in yuan, e.g. 12,345.67": "不是以元为单位的金额，例如 12,345.67",
  "not an amount in yuan (e.g. 1234.50)": "不是以元为单位的金额，例如 1234.50",
  "not a record number": "不是有效的记录编号",
  "enter the number or account": "请填写号码或账号",
  "enter the account": "请填写账号",
  "enter the amount": "请填写金额",
  "enter the date and time": "请填写日期时间",
  "give exactly one of suspectId and value": "选择已录入的号码或填写新号码，二者只能选一",
  "must be a real date written YYYY-MM-DD": "应为真实日期，格式 YYYY-MM-DD",
  "is required, written YYYY-MM-DD": "必填，格式 YYYY-MM-DD",
  "must be a month written YYYY-MM": "应为月份，格式 YYYY-MM",
  "must be a quarter written YYYY-Qn": "应为季度，格式 YYYY-Qn",
  "not given": "未填写",
  "too much text: import a file instead": "文字太多：请改用文件导入",
  "from must not be after to": "开始日期不能晚于结束日期",
  "paste at least one number or account": "请至少粘贴一个号码或账号",
  "at most {n} values": "最多 {n} 个",
  "choose a file to import": "请选择要导入的文件",
  "give the reason": "请填写原因",
};

const key = (english: string) => `form.${english}`;

// A form field's name as an error summary says it ("我的电话：…", never "connectTo:"), by the
// field's name in the form; a nested field (victim.phone) may also be found by its last part.
const FIELDS: Record<string, [zh: string, en: string]> = {
  action: ["动作", "Action"],
  age: ["年龄", "Age"],
  amount: ["金额", "Amount"],
  amountAtRisk: ["涉险金额", "Amount at risk"],
  approvalAt: ["审批时间", "Approved at"],
  approvalBy: ["审批人", "Approved by"],
  approvalRef: ["审批文号", "Approval reference"],
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
  reasonCode: ["原因", "Reason"],
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
  term: ["期限", "Term"],
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
};

export default {
  zh: { ...Object.fromEntries(Object.entries(zh).map(([en, text]) => [key(en), text])), ...Object.fromEntries(Object.entries(FIELDS).map(([f, [z]]) => [`field.${f}`, z])) },
  // the English is the key itself: no second copy to keep in step
  en: { ...Object.fromEntries(Object.keys(zh).map((en) => [key(en), en])), ...Object.fromEntries(Object.entries(FIELDS).map(([f, [, e]]) => [`field.${f}`, e])) },
} satisfies Dict;

/** The dictionary key of a schema's message, its first number as {n}. */
export function formMessageKey(message: string): { key: string; params?: { n: string } } {
  const n = /\d+/.exec(message)?.[0];
  return n !== undefined && zh[message] === undefined ? { key: key(message.replace(n, "{n}")), params: { n } } : { key: key(message) };
}
