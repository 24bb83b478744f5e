// System administration: users, API tokens, institutions, badges.
import { dictionary } from "./dictionary";

export default dictionary({
  zh: {
    "admin.users": "用户",
    "admin.tokens": "接口令牌",
    "admin.institutions": "机构",
    "admin.institutionKind": "类别",
    "admin.revoked": "已吊销",
    "admin.addUser": "新增用户",
    "admin.createToken": "创建令牌",
    "admin.revoke": "吊销",
    "admin.tokenShownOnce": "令牌只显示这一次，请立即保存：",
    "admin.districts": "辖区",
    "admin.districtsHint": "警情、预警对象和导入只接受列表中的辖区。",
    "admin.districtsEmpty": "还没有辖区：在列出第一个辖区之前，任何辖区名称都会被接受。",
    "admin.districtName": "辖区名称",
    "admin.addDistrict": "添加辖区",
    "admin.approval.pending": "待审批",
    "admin.approval.rejected": "已驳回",
    "admin.approvalHint": "新建的指挥督办或系统管理员（用户或令牌）须经一位指挥督办人员在“权限审批”中批准后生效。",
  },
  en: {
    "admin.users": "Users",
    "admin.tokens": "API tokens",
    "admin.institutions": "Institutions",
    "admin.institutionKind": "Kind",
    "admin.revoked": "revoked",
    "admin.addUser": "Add user",
    "admin.createToken": "Create token",
    "admin.revoke": "Revoke",
    "admin.tokenShownOnce": "The token is shown this once; store it now:",
    "admin.districts": "Districts",
    "admin.districtsHint": "Cases, targets and imports accept only the districts listed here.",
    "admin.districtsEmpty": "No districts yet: until the first is listed, any district name is accepted.",
    "admin.districtName": "District name",
    "admin.addDistrict": "Add district",
    "admin.approval.pending": "Awaiting approval",
    "admin.approval.rejected": "Rejected",
    "admin.approvalHint":
      "A new supervisor or administrator (user or token) takes effect once a supervisor approves it under Approvals.",
  },
});
