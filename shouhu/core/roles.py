"""Roles (domain README, "Who uses it") and what each may do.

A permission answers "may this role do this kind of thing at all" (403 when not). Which rows
it may do it to is the scope's business (`restrict`, 404 when outside).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    REGION_OFFICER = "region_officer", _("县市民政·教育部门")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇教管中心·儿童主任")
    VILLAGE_SUPERVISOR = "village_supervisor", _("村儿童福利督导员")
    SCHOOL_LEADER = "school_leader", _("学校领导")
    HEAD_TEACHER = "head_teacher", _("班主任")
    TEACHER = "teacher", _("任课教师·代理家长")
    COUNSELLOR = "counsellor", _("心理辅导教师")
    VOLUNTEER = "volunteer", _("志愿者")
    PRIVACY_OFFICER = "privacy_officer", _("个人信息保护负责人")


class Perm(models.TextChoices):
    CHILD_VIEW = "child_view", _("查看儿童档案")
    CHILD_EDIT = "child_edit", _("登记和修改儿童档案")
    CHILD_FULL_ID = "child_full_id", _("查看完整身份证号")
    CONTACT_CARD = "contact_card", _("打印联系卡")
    CENSUS_VIEW = "census_view", _("查看摸底统计")
    ORG_MANAGE = "org_manage", _("管理区划、学校、班级和学期")
    CENSUS_IMPORT = "census_import", _("导入摸底名册")
    CENSUS_EXPORT = "census_export", _("导出名册和汇总表")
    EXPORT_GRANT = "export_grant", _("批准完整导出（不脱敏）")
    HANDOVER = "handover", _("学年交接和转学")
    CARE_RECORD = "care_record", _("记录关爱活动")
    OBSERVATION_RECORD = "observation_record", _("记录必访信号")
    PAIRING_MANAGE = "pairing_manage", _("安排结对帮扶")
    CARE_OVERSEE = "care_oversee", _("查看结对覆盖和关爱完成率")
    QUOTA_MANAGE = "quota_manage", _("设置关爱要求")
    EXEMPTION_GRANT = "exemption_grant", _("批准关爱要求免除")
    PRIVACY_OFFICE = "privacy_office", _("个人信息保护：访问记录、权利请求、年度审计")
    ACCOUNT_MANAGE = "account_manage", _("管理账号（创建、停用、重置密码和两步验证）")
    DASHBOARD_VIEW = "dashboard_view", _("查看统计看板")
    REPORT_LEAD = "report_lead", _("统计报表、工作总结和检查考核")
    SUMMARY_DRAFT = "summary_draft", _("起草工作总结")
    JOBS_VIEW = "jobs_view", _("查看和重试定时任务")
    # School life (issue 14: shouhu.schooling)
    ATTENDANCE_RECORD = "attendance_record", _("点名和考勤跟进")
    SCHOOL_CALENDAR = "school_calendar", _("设置校历（放假、调休）")
    DROPOUT_MANAGE = "dropout_manage", _("控辍保学：登记、劝返、书面报告和月报")
    DROPOUT_REVIEW = "dropout_review", _("控辍保学：台账复核和学籍比对")
    GRADES_RECORD = "grades_record", _("录入和导入成绩")
    STUDY_PLAN = "study_plan", _("学习帮扶计划")
    # Welfare, health and safety (issue 15: shouhu.welfare)
    AID_PROPOSE = "aid_propose", _("提出资助·救助申请")
    AID_APPROVE = "aid_approve", _("审批学校资助")
    AID_DECIDE = "aid_decide", _("民政救助认定（低保、特困、临时救助、医疗救助）")
    HEALTH_RECORD = "health_record", _("记录体检和健康情况")
    INCIDENT_RECORD = "incident_record", _("记录安全事件和通知")
    LECTURE_RECORD = "lecture_record", _("记录安全、法制和心理教育讲座")
    # Guardianship (issue 15: shouhu.guardians)
    GUARDIAN_MANAGE = "guardian_manage", _("委托监护确认书、家长培训和优秀家长")
    HUKOU_REFERRAL = "hukou_referral", _("无户籍儿童报告和登记")
    # Activities and the Home (issue 16: shouhu.activities)
    ACTIVITY_RECORD = "activity_record", _("记录活动、兴趣小组、读书和评比")
    HOME_MANAGE = "home_manage", _("管理留守儿童之家和值班表")
    HOME_DUTY = "home_duty", _("留守儿童之家值班记录和亲情通话")


# The one table of who may do what: a row per role, read top to bottom. Who may read counselling
# notes is the privacy matrix's business (core.visibility.may_read_counselling).
ROLE_PERMS: dict[str, frozenset[str]] = {
    # The administrator runs accounts and the tree; least privilege keeps children's files out.
    Role.ADMIN: frozenset(
        {
            Perm.ORG_MANAGE,
            Perm.QUOTA_MANAGE,
            Perm.ACCOUNT_MANAGE,
            Perm.JOBS_VIEW,
        }
    ),
    Role.REGION_OFFICER: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CONTACT_CARD,
            Perm.CENSUS_VIEW,
            Perm.CENSUS_EXPORT,
            Perm.CARE_OVERSEE,
            Perm.QUOTA_MANAGE,
            Perm.DASHBOARD_VIEW,
            Perm.REPORT_LEAD,
            Perm.SUMMARY_DRAFT,
            Perm.DROPOUT_REVIEW,
            Perm.AID_DECIDE,
            Perm.HUKOU_REFERRAL,
        }
    ),
    Role.TOWNSHIP_OFFICER: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CONTACT_CARD,
            Perm.CENSUS_VIEW,
            Perm.CENSUS_EXPORT,
            Perm.CARE_OVERSEE,
            Perm.QUOTA_MANAGE,
            Perm.DASHBOARD_VIEW,
            Perm.REPORT_LEAD,
            Perm.SUMMARY_DRAFT,
            Perm.DROPOUT_REVIEW,
            Perm.AID_DECIDE,
            Perm.GUARDIAN_MANAGE,
            Perm.HUKOU_REFERRAL,
            Perm.ACTIVITY_RECORD,
            # The township is notified of serious incidents and follows them up (篇七).
            Perm.INCIDENT_RECORD,
        }
    ),
    Role.VILLAGE_SUPERVISOR: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CONTACT_CARD,
            Perm.CENSUS_VIEW,
            Perm.CARE_RECORD,
            Perm.CARE_OVERSEE,
            Perm.DASHBOARD_VIEW,
            Perm.INCIDENT_RECORD,
            Perm.GUARDIAN_MANAGE,
            Perm.HUKOU_REFERRAL,
        }
    ),
    # Accounts: their own school's staff only (accounts.selectors.user_manageable_q).
    Role.SCHOOL_LEADER: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CHILD_EDIT,
            Perm.CHILD_FULL_ID,
            Perm.CONTACT_CARD,
            Perm.CENSUS_VIEW,
            Perm.CENSUS_IMPORT,
            Perm.CENSUS_EXPORT,
            Perm.HANDOVER,
            Perm.CARE_RECORD,
            Perm.OBSERVATION_RECORD,
            Perm.PAIRING_MANAGE,
            Perm.CARE_OVERSEE,
            Perm.QUOTA_MANAGE,
            Perm.EXEMPTION_GRANT,
            Perm.ACCOUNT_MANAGE,
            Perm.DASHBOARD_VIEW,
            Perm.REPORT_LEAD,
            Perm.SUMMARY_DRAFT,
            Perm.ATTENDANCE_RECORD,
            Perm.SCHOOL_CALENDAR,
            Perm.DROPOUT_MANAGE,
            Perm.GRADES_RECORD,
            Perm.STUDY_PLAN,
            Perm.AID_PROPOSE,
            Perm.AID_APPROVE,
            Perm.HEALTH_RECORD,
            Perm.INCIDENT_RECORD,
            Perm.LECTURE_RECORD,
            Perm.GUARDIAN_MANAGE,
            Perm.HUKOU_REFERRAL,
            Perm.ACTIVITY_RECORD,
            Perm.HOME_MANAGE,
            Perm.HOME_DUTY,
        }
    ),
    # A head teacher drafts the class's summary (篇一–五 are head teachers' class summaries).
    Role.HEAD_TEACHER: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CHILD_EDIT,
            Perm.CHILD_FULL_ID,
            Perm.CONTACT_CARD,
            Perm.CENSUS_VIEW,
            Perm.CENSUS_IMPORT,
            Perm.CENSUS_EXPORT,
            Perm.CARE_RECORD,
            Perm.OBSERVATION_RECORD,
            Perm.PAIRING_MANAGE,
            Perm.CARE_OVERSEE,
            Perm.EXEMPTION_GRANT,
            Perm.DASHBOARD_VIEW,
            Perm.SUMMARY_DRAFT,
            Perm.ATTENDANCE_RECORD,
            Perm.DROPOUT_MANAGE,
            Perm.GRADES_RECORD,
            Perm.STUDY_PLAN,
            Perm.AID_PROPOSE,
            Perm.HEALTH_RECORD,
            Perm.INCIDENT_RECORD,
            Perm.LECTURE_RECORD,
            Perm.GUARDIAN_MANAGE,
            Perm.HUKOU_REFERRAL,
            Perm.ACTIVITY_RECORD,
            Perm.HOME_DUTY,
        }
    ),
    Role.TEACHER: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CONTACT_CARD,
            Perm.CENSUS_VIEW,
            Perm.CARE_RECORD,
            Perm.OBSERVATION_RECORD,
            Perm.GRADES_RECORD,
            Perm.STUDY_PLAN,
            Perm.INCIDENT_RECORD,
            Perm.ACTIVITY_RECORD,
            Perm.HOME_DUTY,
        }
    ),
    Role.COUNSELLOR: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CONTACT_CARD,
            Perm.CENSUS_VIEW,
            Perm.CARE_RECORD,
            Perm.OBSERVATION_RECORD,
            Perm.STUDY_PLAN,
            Perm.INCIDENT_RECORD,
            Perm.LECTURE_RECORD,
            Perm.ACTIVITY_RECORD,
            Perm.HOME_DUTY,
        }
    ),
    Role.VOLUNTEER: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CONTACT_CARD,
            Perm.CARE_RECORD,
            Perm.ACTIVITY_RECORD,
        }
    ),
    # The privacy officer approves full exports but does not export: the grant goes to another.
    Role.PRIVACY_OFFICER: frozenset(
        {
            Perm.CHILD_VIEW,
            Perm.CHILD_FULL_ID,
            Perm.CENSUS_VIEW,
            Perm.EXPORT_GRANT,
            Perm.PRIVACY_OFFICE,
        }
    ),
}


def role_has(role: str, perm: str) -> bool:
    return perm in ROLE_PERMS.get(role, frozenset())
