// Separation of duties: the supervisors' approval screen (/approvals) and what the admin screen
// and the sign-in page say of an account waiting for approval.
import { dictionary } from "./dictionary";

export default dictionary({
  zh: {
    "approvals.intro":
      "在系统管理页面新建的指挥督办、系统管理员账号或接口令牌，须经另一位指挥督办人员批准后才能使用。批准和驳回都记入审计日志。",
    "approvals.open": "待审批",
    "approvals.decided": "最近的审批",
    "approvals.subject": "对象",
    "approvals.subject.user": "用户",
    "approvals.subject.api_token": "接口令牌",
    "approvals.requestedBy": "申请人",
    "approvals.decidedBy": "审批人",
    "approvals.approve": "批准",
    "approvals.reject": "驳回",
    "approvals.own": "本人申请，须由其他指挥督办人员审批",
    "approvals.decision.approved": "已批准",
    "approvals.decision.rejected": "已驳回",
  },
  en: {
    "approvals.intro":
      "Supervisors and administrators, users or API tokens, made on the administration screen can be used only once another supervisor approves them. Approvals and rejections go to the audit log.",
    "approvals.open": "Waiting for approval",
    "approvals.decided": "Recent decisions",
    "approvals.subject": "Who",
    "approvals.subject.user": "User",
    "approvals.subject.api_token": "API token",
    "approvals.requestedBy": "Asked by",
    "approvals.decidedBy": "Decided by",
    "approvals.approve": "Approve",
    "approvals.reject": "Reject",
    "approvals.own": "Your own request: another supervisor decides",
    "approvals.decision.approved": "Approved",
    "approvals.decision.rejected": "Rejected",
  },
});
