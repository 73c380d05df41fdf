# Figures narrow from DECIMAL(20, 4) to DECIMAL(15, 4): the widest decimal that
# SQLite's floating point keeps exactly (see core.figures). Written by hand.

from decimal import Decimal

from django.db import migrations, models

# What a column of DECIMAL(15, 4) holds: below 10^11. (A copy, not an import:
# a migration keeps the numbers it was written with.)
LIMIT = 10**11
# A result's actual may be a rate the engine computed; it now keeps rates
# within the largest figure of one decimal.
LARGEST_RATE = '99999999999.9'
FIGURES = [
    ('targets_target', 'value'),
    ('targets_target', 'value_high'),
    ('targets_target', 'stretch'),
    ('targets_target', 'baseline'),
    ('targets_target', 'start_value'),
]


def bound_computed_rates(apps, schema_editor):
    """Derived rows: write the bound the engine now writes (the next recompute would)."""
    bound = Decimal(LARGEST_RATE)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute('UPDATE targets_targetresult SET actual = %s WHERE actual > %s', [bound, bound])
        cursor.execute('UPDATE targets_targetresult SET actual = %s WHERE actual < %s', [-bound, -bound])


def refuse_figures_that_do_not_fit(apps, schema_editor):
    """Stop with the rows to correct rather than let PostgreSQL refuse the
    narrower column with a bare 'numeric field overflow' (or SQLite keep a
    figure it cannot read back)."""
    found = []
    with schema_editor.connection.cursor() as cursor:
        for table, column in FIGURES:
            cursor.execute(f'SELECT id FROM {table} WHERE abs({column}) >= %s ORDER BY id', [LIMIT])
            ids = [str(row[0]) for row in cursor.fetchall()]
            if ids:
                found.append(f"{table}.{column} of id {', '.join(ids[:20])}{' …' if len(ids) > 20 else ''}")
    if found:
        raise RuntimeError(
            'Figures of 100,000,000,000 or more cannot be kept exactly and must be corrected before '
            'this migration: ' + '; '.join(found)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0006_pending_plan_recompute'),
    ]

    operations = [
        migrations.RunPython(refuse_figures_that_do_not_fit, migrations.RunPython.noop),
        migrations.RunPython(bound_computed_rates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='target',
            name='baseline',
            field=models.DecimalField(blank=True, decimal_places=4, help_text="The prior year's figure, for growth targets.", max_digits=15, null=True, verbose_name='baseline'),
        ),
        migrations.AlterField(
            model_name='target',
            name='start_value',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='For a level reached from a known start (总数达到118家 from 69): the start.', max_digits=15, null=True, verbose_name='starting level'),
        ),
        migrations.AlterField(
            model_name='target',
            name='stretch',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=15, null=True, verbose_name='stretch value'),
        ),
        migrations.AlterField(
            model_name='target',
            name='value',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=15, null=True, verbose_name='target value'),
        ),
        migrations.AlterField(
            model_name='target',
            name='value_high',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=15, null=True, verbose_name='high end of range'),
        ),
        migrations.AlterField(
            model_name='targetresult',
            name='actual',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=15, null=True, verbose_name='actual'),
        ),
    ]
