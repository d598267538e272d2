"""Alerts: anyone can follow a search, a speaker or a topic by email, without an account.

    models.py    Alert (who follows what, how often, the secret token of its links) and
                 AlertDelivery (each statement sent, never sent twice)
    forms.py     the follow form
    mail.py      the confirmation mail and the digest, with unsubscribe links and headers
    sending.py   send_alerts(): what is new since an alert's last run, sent (for cron:
                 `manage.py send_alerts`)

Double opt-in: following sends a confirmation mail; nothing else is sent until its link is
followed. Every mail links to the alert's page (manage: how often, stop one or all) and to a
one-click unsubscribe.
"""
