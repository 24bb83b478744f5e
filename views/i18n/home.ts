// The home page: the tiles each role sees.
import { dictionary } from "./dictionary";

export default dictionary({
  zh: {
    "home.welcome": "{name}，你好",
    "home.targetsWaiting": "待预警对象",
    "home.targetsOverdue": "超时未预警",
    "home.targetsMine": "我正在处理",
    "home.requestsOpen": "待反馈指令",
    "home.requestsLate": "反馈超时",
    "home.requestDrafts": "待发送草稿",
    "home.deskOpen": "本机构待办指令",
    "home.deskUnacked": "未签收",
    "home.deskLate": "已超时",
    "home.highRisk30d": "近30天高危对象",
    "home.alerts30d": "近30天警情",
  },
  en: {
    "home.welcome": "Hello, {name}",
    "home.targetsWaiting": "Targets waiting",
    "home.targetsOverdue": "Targets overdue",
    "home.targetsMine": "In my hands",
    "home.requestsOpen": "Requests awaiting answer",
    "home.requestsLate": "Requests overdue",
    "home.requestDrafts": "Drafts to send",
    "home.deskOpen": "Open requests at this desk",
    "home.deskUnacked": "Not yet acknowledged",
    "home.deskLate": "Overdue",
    "home.highRisk30d": "High-risk targets, 30 days",
    "home.alerts30d": "Alerts, 30 days",
  },
});
