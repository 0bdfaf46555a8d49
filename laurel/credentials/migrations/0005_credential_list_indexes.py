"""Indexes for the credentials list and the home page: keyset pages of the organization and
of a group, an email prefix search (varchar_pattern_ops on PostgreSQL, for LIKE 'x%'), the
weekly chart on issued_on, and the drafts count.

After 0004_publish_batch.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0004_publish_batch'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='credential',
            index=models.Index(fields=['organization', 'created_at', 'id'], name='credential_org_keyset'),
        ),
        migrations.AddIndex(
            model_name='credential',
            index=models.Index(fields=['organization', 'group', 'created_at', 'id'], name='credential_group_keyset'),
        ),
        migrations.AddIndex(
            model_name='credential',
            index=models.Index(fields=['organization', 'recipient_email_normalized'], name='credential_org_email', opclasses=['int8_ops', 'varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='credential',
            index=models.Index(fields=['organization', 'issued_on', 'status'], name='credential_org_issued'),
        ),
        migrations.AddIndex(
            model_name='credential',
            index=models.Index(fields=['organization', 'status', 'created_at', 'id'], name='credential_org_status'),
        ),
    ]
