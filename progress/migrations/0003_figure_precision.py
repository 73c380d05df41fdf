# A report's figure narrows from DECIMAL(20, 4) to DECIMAL(15, 4): the widest
# decimal that SQLite's floating point keeps exactly (see core.figures).
# Written by hand.

from django.db import migrations, models

# What a column of DECIMAL(15, 4) holds: below 10^11. (A copy, not an import:
# a migration keeps the numbers it was written with.)
LIMIT = 10**11


def refuse_figures_that_do_not_fit(apps, schema_editor):
    """Stop with the reports to correct rather than let PostgreSQL refuse the
    narrower column with a bare 'numeric field overflow' (or SQLite keep a
    figure it cannot read back)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute('SELECT id FROM progress_report WHERE abs(value) >= %s ORDER BY id', [LIMIT])
        ids = [str(row[0]) for row in cursor.fetchall()]
    if ids:
        raise RuntimeError(
            'Figures of 100,000,000,000 or more cannot be kept exactly and must be corrected before '
            f"this migration: progress_report.value of id {', '.join(ids[:20])}{' …' if len(ids) > 20 else ''}"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('progress', '0002_history_and_reopenings'),
    ]

    operations = [
        migrations.RunPython(refuse_figures_that_do_not_fit, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='report',
            name='value',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=15, null=True, verbose_name='year-to-date value'),
        ),
    ]
