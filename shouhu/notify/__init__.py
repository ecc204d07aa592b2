"""Messages that reach people (issue 19, "Notifications that reach people"): an outbox of
messages, each with its channel, status and retries, delivered by a backend (console and file in
development, SMTP, an HTTP SMS gateway) under quiet hours and a daily cap per person.

Every app that tells someone something calls `shouhu.notify.services.message_queue`; nothing
sends directly."""
