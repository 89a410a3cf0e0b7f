"""The Telegram bot: webhook updates, the dispatcher loop and the outbox worker."""
