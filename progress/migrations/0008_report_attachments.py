# Evidence (佐证材料) attached to reports, and the two history actions that record it.

import django.db.models.deletion
import progress.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('progress', '0007_report_event_withdrawn'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='reportevent',
            name='action',
            field=models.CharField(choices=[('saved', 'Saved as draft'), ('submitted', 'Submitted'), ('approved', 'Approved'), ('returned', 'Returned'), ('corrected', 'Corrected'), ('imported', 'Imported from a sheet'), ('attached', 'Evidence attached'), ('detached', 'Evidence removed')], max_length=16, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=300, upload_to=progress.models.attachment_upload_to, verbose_name='file')),
                ('name', models.CharField(max_length=200, verbose_name='file name')),
                ('content_type', models.CharField(max_length=100, verbose_name='content type')),
                ('size', models.PositiveBigIntegerField(verbose_name='size (bytes)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('uploaded_at', models.DateTimeField(verbose_name='uploaded at')),
                ('removed_at', models.DateTimeField(blank=True, null=True, verbose_name='removed at')),
                ('removed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='removed by')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='progress.report', verbose_name='report')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
            ],
            options={
                'verbose_name': 'attachment',
                'verbose_name_plural': 'attachments',
                'ordering': ['report', 'uploaded_at', 'id'],
                'indexes': [models.Index(fields=['report', 'removed_at'], name='attachment_report_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('size__gt', 0)), name='attachment_not_empty'), models.CheckConstraint(condition=models.Q(('name', ''), _negated=True), name='attachment_has_name'), models.CheckConstraint(condition=models.Q(('removed_at__isnull', True), ('removed_by__isnull', False), _connector='OR'), name='attachment_removed_by_someone')],
            },
        ),
    ]
