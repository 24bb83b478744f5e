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
  "give exactly one of suspectId and value": "suspectId 与 value 只能填一个",
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

export default {
  zh: Object.fromEntries(Object.entries(zh).map(([en, text]) => [key(en), text])),
  // the English is the key itself: no second copy to keep in step
  en: Object.fromEntries(Object.keys(zh).map((en) => [key(en), en])),
} satisfies Dict;

/** The dictionary key of a schema's message, its first number as {n}. */
export function formMessageKey(message: string): { key: string; params?: { n: string } } {
  const n = /\d+/.exec(message)?.[0];
  return n !== undefined && zh[message] === undefined ? { key: key(message.replace(n, "{n}")), params: { n } } : { key: key(message) };
}
