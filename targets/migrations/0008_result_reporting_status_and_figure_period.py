"""Results gain the reporting status and the period of the figure judged.

What the engine stored before judged submitted figures and called a missing
report overdue; none of it is right under the new rules, and all of it is
derived, so the results and flags are emptied here and every plan that has
targets is marked owed a recompute: the catch-up sweep (beat, every minute)
rebuilds them, as would the nightly run or ``manage.py recompute``."""

import django.utils.timezone
from django.db import migrations, models


def _empty_derived(apps, schema_editor):
    apps.get_model("targets", "TargetFlag").objects.all().delete()
    apps.get_model("targets", "TargetResult").objects.all().delete()
    owed = apps.get_model("targets", "PendingPlanRecompute")
    plans = apps.get_model("plans", "Plan").objects.filter(tasks__targets__isnull=False).distinct()
    now = django.utils.timezone.now()
    owed.objects.bulk_create(
        [owed(plan_id=pk, marked_at=now) for pk in plans.values_list("pk", flat=True)], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("targets", "0007_figure_precision"), ("plans", "0002_plan_recompute_claimed_at")]

    operations = [
        migrations.RunPython(_empty_derived, migrations.RunPython.noop),
        migrations.AddField(
            model_name="targetresult",
            name="reporting",
            field=models.CharField(
                choices=[
                    ("reported", "Reported"),
                    ("pending", "Awaiting review"),
                    ("not_yet", "Not yet reported"),
                    ("missing", "Overdue, not reported"),
                    ("late", "Reported late"),
                ],
                default="not_yet",
                max_length=16,
                verbose_name="reporting status",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="targetresult",
            name="data_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="figure's year"),
        ),
        migrations.AddField(
            model_name="targetresult",
            name="data_month",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="figure's month"),
        ),
        migrations.AlterField(
            model_name="targetresult",
            name="status",
            field=models.CharField(
                choices=[
                    ("completed", "Completed"),
                    ("on_track", "On track"),
                    ("lagging", "Lagging"),
                    ("serious", "Seriously lagging"),
                    ("overdue", "Overdue"),
                    ("no_data", "No data"),
                ],
                max_length=16,
                verbose_name="progress status",
            ),
        ),
    ]
