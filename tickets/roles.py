"""The four roles and the permissions each holds. The data migration and tests read this."""

AGENT, SUPERVISOR, FINANCE, ADMIN = "Agent", "Supervisor", "Finance", "Admin"

_VIEW_DOMAIN = [
    "tickets.view_store",
    "tickets.view_customer",
    "tickets.view_order",
    "tickets.view_orderline",
    "tickets.view_ticket",
    "tickets.view_message",
    "tickets.view_attachment",
    "tickets.view_returnauthorization",
    "tickets.view_rmaline",
    "tickets.view_refund",
    "tickets.view_tag",
    "tickets.view_macro",
    "tickets.view_macrovariant",
    "tickets.view_slapolicy",
    "tickets.view_team",
]
_WORK_TICKETS = [
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.add_message",
    "tickets.add_attachment",
    "tickets.add_returnauthorization",
    "tickets.change_returnauthorization",
    "tickets.add_rmaline",
    "tickets.add_refund",
    "tickets.add_tag",
    "tickets.change_customer",
]
_OWN_AUTOMATION = [
    f"tickets.{verb}_{model}"
    for model in ("rule", "keywordset", "macro", "macrovariant", "slapolicy", "tag", "team")
    for verb in ("add", "change", "delete", "view")
] + ["tickets.view_rulerun", "tickets.view_auditevent"]


_REPORTS = ["tickets.view_refund_report", "tickets.view_platformrefund", "tickets.view_exchangerate"]
_FINANCE_OWN = [
    "tickets.close_refund_month",
    "tickets.add_exchangerate",
    "tickets.change_exchangerate",
    "tickets.view_closedmonth",
]


def _role(*parts: list[str]) -> list[str]:
    return sorted({perm for part in parts for perm in part})


ROLE_PERMISSIONS: dict[str, list[str]] = {
    AGENT: _role(_VIEW_DOMAIN, _WORK_TICKETS),
    SUPERVISOR: _role(
        _VIEW_DOMAIN,
        _WORK_TICKETS,
        _OWN_AUTOMATION,
        ["tickets.approve_refund", "tickets.change_refund", "tickets.share_savedview"],
        _REPORTS,
    ),
    # Finance reads tickets, orders and refunds for its reports; it changes nothing on them. It
    # keeps the exchange rates, exports the report and closes months.
    FINANCE: _role(_VIEW_DOMAIN, ["tickets.view_auditevent"], _REPORTS, _FINANCE_OWN),
    ADMIN: _role(
        _VIEW_DOMAIN,
        [
            "tickets.add_store",
            "tickets.change_store",
            "tickets.add_storemembership",
            "tickets.change_storemembership",
            "tickets.delete_storemembership",
            "tickets.view_storemembership",
            "tickets.view_auditevent",
            "tickets.share_savedview",
            "tickets.view_outboxaction",
            "tickets.view_refund_report",
            "tickets.view_exchangerate",
            "integrations.view_rawpayload",
            "integrations.view_workerheartbeat",
            "auth.add_user",
            "auth.change_user",
            "auth.view_user",
            "auth.view_group",
        ],
    ),
}
