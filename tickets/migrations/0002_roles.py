"""Create the Agent, Supervisor, Finance and Admin groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here, as a migration must be: tickets/roles.py says what the roles are now, and every
# change to it comes with a new migration.
ROLES = {
    "Agent": [
        "tickets.add_attachment",
        "tickets.add_message",
        "tickets.add_refund",
        "tickets.add_returnauthorization",
        "tickets.add_rmaline",
        "tickets.add_tag",
        "tickets.add_ticket",
        "tickets.change_customer",
        "tickets.change_returnauthorization",
        "tickets.change_ticket",
        "tickets.view_attachment",
        "tickets.view_customer",
        "tickets.view_macro",
        "tickets.view_macrovariant",
        "tickets.view_message",
        "tickets.view_order",
        "tickets.view_orderline",
        "tickets.view_refund",
        "tickets.view_returnauthorization",
        "tickets.view_rmaline",
        "tickets.view_slapolicy",
        "tickets.view_store",
        "tickets.view_tag",
        "tickets.view_team",
        "tickets.view_ticket",
    ],
    "Supervisor": [
        "tickets.add_attachment",
        "tickets.add_macro",
        "tickets.add_macrovariant",
        "tickets.add_message",
        "tickets.add_refund",
        "tickets.add_returnauthorization",
        "tickets.add_rmaline",
        "tickets.add_rule",
        "tickets.add_slapolicy",
        "tickets.add_tag",
        "tickets.add_team",
        "tickets.add_ticket",
        "tickets.approve_refund",
        "tickets.change_customer",
        "tickets.change_macro",
        "tickets.change_macrovariant",
        "tickets.change_refund",
        "tickets.change_returnauthorization",
        "tickets.change_rule",
        "tickets.change_slapolicy",
        "tickets.change_tag",
        "tickets.change_team",
        "tickets.change_ticket",
        "tickets.delete_macro",
        "tickets.delete_macrovariant",
        "tickets.delete_rule",
        "tickets.delete_slapolicy",
        "tickets.delete_tag",
        "tickets.delete_team",
        "tickets.view_attachment",
        "tickets.view_auditevent",
        "tickets.view_customer",
        "tickets.view_macro",
        "tickets.view_macrovariant",
        "tickets.view_message",
        "tickets.view_order",
        "tickets.view_orderline",
        "tickets.view_refund",
        "tickets.view_returnauthorization",
        "tickets.view_rmaline",
        "tickets.view_rule",
        "tickets.view_rulerun",
        "tickets.view_slapolicy",
        "tickets.view_store",
        "tickets.view_tag",
        "tickets.view_team",
        "tickets.view_ticket",
    ],
    "Finance": [
        "tickets.view_attachment",
        "tickets.view_auditevent",
        "tickets.view_customer",
        "tickets.view_macro",
        "tickets.view_macrovariant",
        "tickets.view_message",
        "tickets.view_order",
        "tickets.view_orderline",
        "tickets.view_refund",
        "tickets.view_returnauthorization",
        "tickets.view_rmaline",
        "tickets.view_slapolicy",
        "tickets.view_store",
        "tickets.view_tag",
        "tickets.view_team",
        "tickets.view_ticket",
    ],
    "Admin": [
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "auth.view_user",
        "integrations.view_rawpayload",
        "integrations.view_workerheartbeat",
        "tickets.add_store",
        "tickets.add_storemembership",
        "tickets.change_store",
        "tickets.change_storemembership",
        "tickets.delete_storemembership",
        "tickets.view_attachment",
        "tickets.view_auditevent",
        "tickets.view_customer",
        "tickets.view_macro",
        "tickets.view_macrovariant",
        "tickets.view_message",
        "tickets.view_order",
        "tickets.view_orderline",
        "tickets.view_outboxaction",
        "tickets.view_refund",
        "tickets.view_returnauthorization",
        "tickets.view_rmaline",
        "tickets.view_slapolicy",
        "tickets.view_store",
        "tickets.view_storemembership",
        "tickets.view_tag",
        "tickets.view_team",
        "tickets.view_ticket",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("integrations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
