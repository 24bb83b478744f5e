// The printed notices' page chrome. The notice itself is a Chinese legal form and prints in
// Chinese in both interface languages; only the page around it follows the reader.
export default {
  zh: {
    "notice.title": "文书",
    "notice.open": "文书",
    "notice.print": "打印 / 存为 PDF",
    "notice.back": "返回指令",
    "notice.others": "本指令的文书",
    "notice.signature": "电子签名",
    "notice.caseNotices": "本案文书",
    "notice.none": "尚无文书",
    "returns.plan": "返还方案",
  },
  en: {
    "notice.title": "Notice",
    "notice.open": "Notice",
    "notice.print": "Print / save as PDF",
    "notice.back": "Back to the request",
    "notice.others": "Notices of this request",
    "notice.signature": "Electronic signature",
    "notice.caseNotices": "Notices of this case",
    "notice.none": "No notices yet",
    "returns.plan": "Return plan",
  },
};
