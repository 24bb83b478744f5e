// Why something a person asked for is refused — a written number, account or ID, a status change,
// a case's dates, a file to import, a step on work someone else holds, a user the admin cannot
// create — in both interface languages. The rules name a reason by its code; the JSON API and the
// command line answer with the English, pages in the reader's language (views/i18n registers this
// table as the "reason.<code>" keys and renders a refusal with refusalText). Pure data.

/** `{name}` in a template, filled from params (the interface translator fills the same way). */
export function fill(template: string, params?: Record<string, string | number>): string {
  if (params) for (const [k, v] of Object.entries(params)) template = template.replaceAll(`{${k}}`, String(v));
  return template;
}

/**
 * A reason in both languages. `labels` names the params that hold a value the interface has a label
 * for (a status), with the dictionary prefix of that label: the API says "frozen", a page "已冻结".
 * The prefix "reason" marks a param holding another reason's code, worded with the same params.
 */
export type ReasonText = { en: string; zh: string; labels?: Record<string, string> };

const SUSPECT_MOVE = { from: "suspects.state", to: "suspects.state" };
const CASE_MOVE = { from: "cases.state", to: "cases.state" };
const REQUEST_MOVE = { action: "requests.action", kind: "requests.kind", status: "requests.status" };

export const REASONS = {
  "phone.empty": { en: "not a valid phone number: empty", zh: "不是有效的电话号码：为空" },
  "phone.letters": { en: "not a valid phone number: contains letters", zh: "不是有效的电话号码：含有字母" },
  "phone.not_digits": {
    en: "not a valid phone number: contains characters other than digits",
    zh: "不是有效的电话号码：含有数字以外的字符",
  },
  "phone.too_short": { en: "not a valid phone number: too short", zh: "不是有效的电话号码：位数太少" },
  "phone.too_long": { en: "not a valid phone number: too long", zh: "不是有效的电话号码：位数太多" },
  "phone.wrong_length": { en: "not a valid phone number: wrong number of digits", zh: "不是有效的电话号码：位数不对" },
  "phone.unknown_country": {
    en: "not a valid phone number: unknown country code",
    zh: "不是有效的电话号码：国家代码不存在",
  },
  "phone.unreadable": { en: "not a valid phone number: no phone number found", zh: "不是有效的电话号码：无法识别" },
  "phone.not_mobile_prefix": {
    en: "not a valid phone number: {prefix} is not a Chinese mobile prefix",
    zh: "不是有效的电话号码：{prefix} 不是中国手机号段",
  },
  "phone.mobile_length": {
    en: "not a valid phone number: a Chinese mobile has 11 digits, not {n}",
    zh: "不是有效的电话号码：手机号码应为 11 位，这里是 {n} 位",
  },
  "phone.needs_area_code": {
    en: "not a valid phone number: a landline needs its area code (e.g. 0755 8888 8888)",
    zh: "不是有效的电话号码：固定电话需带区号（如 0755 8888 8888）",
  },
  "phone.unknown_range": { en: "not a valid phone number: unknown number range", zh: "不是有效的电话号码：号段不存在" },
  "phone.unknown_range_in": {
    en: "not a valid phone number: unknown number range in {region}",
    zh: "不是有效的电话号码：{region} 没有这个号段",
  },
  "account.empty": { en: "not a valid bank account: empty", zh: "不是有效的银行账号：为空" },
  "account.letters": { en: "not a valid bank account: contains letters", zh: "不是有效的银行账号：含有字母" },
  "account.not_digits": {
    en: "not a valid bank account: contains characters other than digits",
    zh: "不是有效的银行账号：含有数字以外的字符",
  },
  "account.too_short": {
    en: "not a valid bank account: too short ({n} digits, need 12–30)",
    zh: "不是有效的银行账号：位数太少（{n} 位，应为 12–30 位）",
  },
  "account.too_long": {
    en: "not a valid bank account: too long ({n} digits, at most 30)",
    zh: "不是有效的银行账号：位数太多（{n} 位，最多 30 位）",
  },
  "identifier.empty": { en: "not a phone number or bank account: empty", zh: "不是电话号码或银行账号：为空" },
  "identifier.letters": {
    en: "not a phone number or bank account: contains letters",
    zh: "不是电话号码或银行账号：含有字母",
  },
  "identifier.not_digits": {
    en: "not a phone number or bank account: contains characters other than digits",
    zh: "不是电话号码或银行账号：含有数字以外的字符",
  },
  "identifier.digits": {
    en: "not a phone number or bank account: {n} digits",
    zh: "不是电话号码或银行账号：{n} 位数字",
  },
  "id_number.too_long": { en: "an ID number has at most 30 characters", zh: "证件号码最多 30 个字符" },
  "id_number.check": {
    en: "the check character of this resident ID is wrong; check the digits",
    zh: "身份证号码校验位不对，请核对各位数字",
  },
  "id_number.length": { en: "a resident ID has 18 characters, not {n}", zh: "身份证号码应为 18 位，这里是 {n} 位" },
  "id_number.characters": { en: "an ID number has only letters and digits", zh: "证件号码只能含字母和数字" },
  "suspect.status_move": {
    en: "a suspect cannot go from {from} to {to}",
    zh: "不能从“{from}”直接改为“{to}”",
    labels: SUSPECT_MOVE,
  },
  "suspect.status_needs_reason": {
    en: "a reason is required to go from {from} to {to}",
    zh: "从“{from}”改为“{to}”须填写原因",
    labels: SUSPECT_MOVE,
  },
  "case.needs_filed": {
    en: "a {status} case needs the time it was filed",
    zh: "“{status}”的案件须填写立案时间",
    labels: { status: "cases.state" },
  },
  "case.received_has_filed": {
    en: "a case that is only received has no filed time; set the status to filed",
    zh: "仅接警的案件没有立案时间；如已立案，请将状态改为“已立案”",
  },
  "case.needs_solved": { en: "a solved case needs the time it was solved", zh: "已破案的案件须填写破案时间" },
  "case.unsolved_has_solved": {
    en: "only a solved case has a solved time; set the status to solved",
    zh: "只有已破案的案件才有破案时间；如已破案，请将状态改为“已破案”",
  },
  "case.received_future": { en: "the received time is in the future", zh: "接警时间晚于当前时间" },
  "case.filed_before_received": { en: "the filed time is before the received time", zh: "立案时间早于接警时间" },
  "case.filed_future": { en: "the filed time is in the future", zh: "立案时间晚于当前时间" },
  "case.solved_before_filed": { en: "the solved time is before the filed time", zh: "破案时间早于立案时间" },
  "case.solved_future": { en: "the solved time is in the future", zh: "破案时间晚于当前时间" },
  "case.closed_before_received": {
    en: "the closed time is before the case was received or filed",
    zh: "结案时间早于接警或立案时间",
  },
  "case.same_status": {
    en: "the case is already {status}",
    zh: "案件已是“{status}”状态",
    labels: { status: "cases.state" },
  },
  "case.status_move": { en: "a {from} case cannot become {to}", zh: "“{from}”的案件不能改为“{to}”", labels: CASE_MOVE },
  "import.value_empty": { en: "the number/account cell is empty", zh: "号码/账号一栏为空" },
  "import.unknown_kind": {
    en: 'unknown kind "{word}": use phone/电话 or bank_account/银行卡',
    zh: "无法识别的类型“{word}”：请填 电话（phone）或 银行卡（bank_account）",
  },
  "import.phone_empty": { en: "the phone cell is empty", zh: "电话一栏为空" },
  "import.grade_empty": {
    en: "the risk grade cell is empty: use high/medium/low or 高/中/低",
    zh: "风险等级一栏为空：请填 高/中/低（high/medium/low）",
  },
  "import.unknown_reason": {
    en: 'unknown reason "{word}": use 被联系 (contacted_by), 转账 (paying_to) or 其他 (other)',
    zh: "无法识别的预警原因“{word}”：请填 被联系、转账 或 其他",
  },
  "import.bad_age": { en: 'age "{word}" is not a whole number from 0 to 130', zh: "年龄“{word}”不是 0–130 之间的整数" },
  "import.bad_amount": { en: 'amount "{word}" is not an amount in yuan', zh: "金额“{word}”不是以元为单位的金额" },
  "baseline.bad_month": { en: 'month "{word}" is not a month (YYYY-MM)', zh: "月份“{word}”不是有效的月份（YYYY-MM）" },
  "baseline.district_long": { en: "district is longer than 50 characters", zh: "辖区名称超过 50 个字符" },
  "baseline.unknown_metric": { en: 'unknown metric "{word}"', zh: "无法识别的指标“{word}”" },
  "baseline.bad_amount": {
    en: '{metric}: "{word}" is not an amount in yuan',
    zh: "{metric}：“{word}”不是以元为单位的金额",
    labels: { metric: "stats.m" },
  },
  "baseline.bad_count": {
    en: '{metric}: "{word}" is not a whole number',
    zh: "{metric}：“{word}”不是整数",
    labels: { metric: "stats.m" },
  },
  "baseline.no_figures": { en: "no figures in this row", zh: "这一行没有数字" },
  "file.empty": { en: "the file is empty", zh: "文件是空的" },
  "file.xls": {
    en: "this is an old Excel .xls file: save it as .xlsx or CSV (UTF-8) and import that",
    zh: "这是旧版 Excel .xls 文件：请另存为 .xlsx 或 CSV（UTF-8）后再导入",
  },
  "file.too_large": { en: "the file is larger than {mib} MiB", zh: "文件超过 {mib} MiB" },
  "body.too_large": { en: "the request is larger than {kib} KiB", zh: "提交的内容超过 {kib} KiB" },
  "body.unreadable": { en: "the request body cannot be read: {why}", zh: "提交的内容无法读取：{why}" },
  "file.header_is_data": {
    en: "no recognisable header row: the first row is data ({value}); add a first row naming the columns ({want})",
    zh: "没有可识别的表头：第一行是数据（{value}）；请在最前面加一行列名（{want}）",
  },
  "file.no_header": {
    en: "no recognisable header row: the first row must name the columns ({want}); found: {found}",
    zh: "没有可识别的表头：第一行须写明列名（{want}）；现在是：{found}",
  },
  "file.header_unreadable": {
    en: "no recognisable header row: line {line} cannot be read ({why})",
    zh: "没有可识别的表头：第 {line} 行无法读取（{why}）",
  },
  "file.xlsx_broken": {
    en: "the file cannot be imported: it is not a readable XLSX workbook ({why})",
    zh: "文件无法导入：不是可读取的 XLSX 工作簿（{why}）",
  },
  "file.xlsx_part_too_large": {
    en: "the file cannot be imported: its part {part} unpacks to more than {mib} MiB",
    zh: "文件无法导入：其中的 {part} 解压后超过 {mib} MiB",
  },
  "file.xlsx_ratio": {
    en: "the file cannot be imported: its part {part} unpacks to more than {ratio} times its packed size",
    zh: "文件无法导入：其中的 {part} 解压后超过压缩大小的 {ratio} 倍",
  },
  "file.xlsx_text_run": {
    en: "the file cannot be imported: it holds a text longer than a cell can ({max} characters)",
    zh: "文件无法导入：其中有文字超过单元格的上限（{max} 个字符）",
  },
  "file.cell_too_long": {
    en: "the file cannot be imported: a cell on row {row} is longer than {max} characters, Excel's limit",
    zh: "文件无法导入：第 {row} 行有单元格超过 {max} 个字符（Excel 的上限）",
  },
  "file.shared_string_too_long": {
    en: "the file cannot be imported: its shared text {n} is longer than {max} characters, Excel's limit",
    zh: "文件无法导入：其中第 {n} 个共享文本超过 {max} 个字符（Excel 的上限）",
  },
  "file.too_many_columns": {
    en: "the file cannot be imported: row {row} has a value in column {column}, beyond the {max} columns an import reads",
    zh: "文件无法导入：第 {row} 行的 {column} 列有内容，导入最多读取 {max} 列",
  },
  "file.too_many_rows": {
    en: "the file cannot be imported: the sheet has more than {max} rows, Excel's limit",
    zh: "文件无法导入：工作表超过 {max} 行（Excel 的上限）",
  },
  "file.no_rows": { en: "no recognisable header row: the file has no rows", zh: "没有可识别的表头：文件中没有任何行" },
  "baseline.no_metrics": {
    en: "no metric columns: give 指标 and 数值 (metric, value) columns, or one column per metric (警情, 立案, 破案, 刑拘, …)",
    zh: "没有指标列：请给出“指标”和“数值”两列，或每个指标一列（警情、立案、破案、刑拘……）",
  },
  "paste.too_many": {
    en: "{n} values: paste at most {max}, or import a file",
    zh: "共 {n} 个：一次最多粘贴 {max} 个，更多请用文件导入",
  },
  "user.no_institution_for_role": {
    en: "role {role} does not belong to an institution",
    zh: "“{role}”角色不属于任何机构，请不要选择机构",
    labels: { role: "role" },
  },
  "user.needs_institution": {
    en: "role {role} needs an institution",
    zh: "“{role}”角色须选择所属机构",
    labels: { role: "role" },
  },
  "user.unknown_institution": { en: "no institution with code {code}", zh: "没有代码为 {code} 的机构" },
  "user.wrong_institution_kind": {
    en: "{code} is a {kind}, not a {wanted}",
    zh: "{code} 是{kind}，不是{wanted}",
    labels: { kind: "institution.kind", wanted: "institution.kind" },
  },
  "user.short_password": { en: "password must be at least 8 characters", zh: "密码至少 8 个字符" },
  "user.weak_password": {
    en: "password is too easy to guess: {why}",
    zh: "密码太容易被猜到：{why}",
    labels: { why: "reason" },
  },
  "password.common": { en: "it is a commonly used password", zh: "这是常用密码" },
  "password.personal": { en: "it contains the username or the name", zh: "包含用户名或姓名" },
  "password.keyboard": { en: "it is a pattern of neighbouring keys", zh: "是键盘上相邻按键的组合" },
  "password.repeat": {
    en: 'it repeats characters or patterns (like "aaa" or "abcabc")',
    zh: "含重复的字符或片段（如 aaa、abcabc）",
  },
  "password.sequence": { en: 'it is a sequence like "abc" or "123"', zh: "含 abc、123 这类顺序字符" },
  "password.dates": { en: "it contains a date or a recent year", zh: "含日期或近年的年份" },
  "password.words": { en: "it is a single common word or name", zh: "是单个常见单词或姓名" },
  "password.guessable": {
    en: "make it longer, with words or characters that are not common",
    zh: "请加长，加入不常见的单词或字符",
  },
  "approval.own_request": {
    en: "you asked for this yourself: another supervisor must approve it",
    zh: "这是你本人提出的申请，须由另一位指挥督办人员审批",
  },
  "approval.decided": { en: "this request has already been approved or rejected", zh: "该申请已审批" },
  "user.bad_username": { en: "username: 2–40 letters, digits, _ . -", zh: "用户名：2–40 个字母、数字或 _ . -" },
  "user.exists": { en: "user {username} already exists", zh: "用户 {username} 已存在" },
  "user.bad_badge": { en: "badge number: 4–12 letters or digits", zh: "警号：4–12 位字母或数字" },
  "returns.not_frozen": {
    en: "request {id} is not a freeze in force: nothing to return",
    zh: "指令 #{id} 不是有效的冻结，无可返还",
  },
  "returns.no_claims": { en: "no case names this account", zh: "没有警情涉及此账户" },
  "returns.not_traced": {
    en: "case {caseId} has no deposits traced into this account: return pro rata",
    zh: "警情 #{caseId} 没有转入此账户的可查交易，请按比例返还",
  },
  "returns.traced_exceeds_frozen": {
    en: "the traced deposits ({traced}) exceed what is frozen and not yet returned ({frozen}): return pro rata",
    zh: "可查转入资金（{traced}）超过尚未返还的冻结资金（{frozen}），请按比例返还",
  },
  "returns.plan_open": {
    en: "this freeze already has return plan {id} not yet carried out",
    zh: "此冻结已有尚未执行的返还方案 #{id}",
  },
  "returns.notice_open": {
    en: "the 30-day public notice runs until {until}; the returns go out after it",
    zh: "30 日公告期至 {until} 届满，届满后方可返还",
  },
  "returns.notice_closed": {
    en: "objections are recorded during the public notice only; it closed at {until}",
    zh: "异议只能在公告期内登记，公告期已于 {until} 届满",
  },
  "returns.not_pro_rata": { en: "a traced return has no public notice", zh: "按查明的资金流向返还无需公告" },
  "returns.already_sent": { en: "the returns of plan {id} were already sent", zh: "返还方案 #{id} 已执行" },
  "returns.withdrawn": { en: "return plan {id} was withdrawn", zh: "返还方案 #{id} 已撤回" },
  "target.claimed": { en: "Target {id} is being worked by {who}", zh: "{who} 正在处理此对象（#{id}）" },
  "target.claimed_by_other": {
    en: "Target {id} is being worked by another agent",
    zh: "另一位坐席正在处理此对象（#{id}）",
  },
  "target.closed": { en: "Target {id} is closed", zh: "此对象（#{id}）已办结" },
  "target.not_claimed": { en: "You do not hold target {id}", zh: "你没有领取此对象（#{id}）" },
  // what a recorded contact could not go on to do: said on the page and in the API's `problem`
  "target.call_failed": { en: "the call or SMS could not be sent: {why}", zh: "呼叫/短信未能发出：{why}" },
  "target.no_account": {
    en: "No bank account is known to stop payment at: add it on the case.",
    zh: "已立案，但没有可止付的银行账户，请在警情中补充",
  },
  "target.stop_payment_failed": {
    en: "the case is opened, but the draft stop-payment could not be made: {why}",
    zh: "已立案，但止付草稿未能生成：{why}",
  },
  "warning.outcome_recorded": { en: "Warning {id} already has an outcome", zh: "此次预警（#{id}）已记录结果" },
  "follow_up.done": { en: "Follow-up {id} is already recorded", zh: "此次回访（#{id}）已记录" },
  "request.stale": { en: "The request changed meanwhile; reload it", zh: "指令已被他人处理，请刷新" },
  "urge.not_overdue": {
    en: "{what} #{id} is not overdue: only an overdue one is urged",
    zh: "{what} #{id} 未超时，只能督办已超时的事项",
    labels: { what: "audit.ent" },
  },
  "request.instruction_open": {
    en: "An instruction on this freeze (#{id}) is still waiting for the bank; wait for its answer",
    zh: "此冻结的上一条指令（#{id}）尚待银行办结，请等待反馈",
  },
  // the state machine's refusals (domain/requests.ts RefusalCode) and the amounts an answer or return may not pass
  "request.not_allowed": {
    en: "Cannot {action} a {kind} request that is {status}",
    zh: "不能对{status}的{kind}指令执行“{action}”",
    labels: REQUEST_MOVE,
  },
  "request.wrong_party": { en: "You cannot {action} this request", zh: "无权执行“{action}”", labels: REQUEST_MOVE },
  "request.renewal_limit": {
    en: "An account may be stopped twice in all (the first stop and one renewal): no third stop; a freeze must follow",
    zh: "同一账户只能止付两次（首次止付和一次续止付），不能再续，请尽快冻结",
  },
  "request.already_expired": {
    en: "It has run out and cannot be renewed; send a new request",
    zh: "已到期，不能续期，请重新发送指令",
  },
  "request.not_due": { en: "Not due yet", zh: "尚未到期" },
  "request.return_too_large": {
    en: "That is more than is still frozen (at most {amount} can be returned)",
    zh: "返还金额超过尚冻结的金额（最多可返还 {amount}）",
  },
  "request.amount_above_request": {
    en: "Refused: {done} confirmed is more than the {asked} asked",
    zh: "办理金额 {done} 超过指令要求的 {asked}，不予受理",
  },
  "district.unlisted": {
    en: 'district "{name}" is not on the center\'s list of districts',
    zh: "辖区“{name}”不在本中心的辖区列表中",
  },
  "district.unlisted_near": {
    en: 'district "{name}" is not on the center\'s list of districts; close: {matches}',
    zh: "辖区“{name}”不在本中心的辖区列表中；相近的有：{matches}",
  },
  "district.empty": { en: "a district needs a name", zh: "辖区名称不能为空" },
  "district.too_long": { en: "a district name has at most 50 characters", zh: "辖区名称最多 50 个字符" },
  "district.exists": { en: 'district "{name}" is already on the list', zh: "辖区“{name}”已在列表中" },
  "import.suspect_column": { en: "suspect: {why}", zh: "涉诈号码/账户：{why}", labels: { why: "reason" } },
  "import.unknown_risk": {
    en: 'unknown risk level "{word}": use high/medium/low or 高/中/低',
    zh: "无法识别的风险等级“{word}”：请填 高/中/低（high/medium/low）",
  },
} as const satisfies Record<string, ReasonText>;

export type ReasonCode = keyof typeof REASONS;
export type ReasonParams = Record<string, string | number>;
/** A refusal: its code and parameters for pages, and `reason`, the English, for the API and logs. */
export type Refusal = { ok: false; code: ReasonCode; params?: ReasonParams; reason: string };

export const isRefusal = (x: object): x is Refusal => (x as Partial<Refusal>).ok === false;

export function refuse(code: ReasonCode, params?: ReasonParams): Refusal {
  const text: ReasonText = REASONS[code];
  const inner = (k: string, v: string | number) =>
    text.labels?.[k] === "reason" ? fill((REASONS as Record<string, ReasonText>)[v]!.en, params) : v;
  const en =
    params && text.labels ? Object.fromEntries(Object.entries(params).map(([k, v]) => [k, inner(k, v)])) : params;
  return { ok: false, code, params, reason: fill(text.en, en) };
}

/** A refusal of the value in an import's suspect column: the same reason, said of that column. */
export const inSuspectColumn = (code: ReasonCode, params?: ReasonParams): Refusal =>
  refuse("import.suspect_column", { ...params, why: code });
