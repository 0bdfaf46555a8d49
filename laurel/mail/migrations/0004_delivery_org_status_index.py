"""An index on (organization, status): the home page counts an organization's failed
emails, which scanned every delivery of the organization without it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0003_account_emails'),
        ('organizations', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='emaildelivery',
            index=models.Index(fields=['organization', 'status'], name='mail_delivery_org_status_idx'),
        ),
    ]
