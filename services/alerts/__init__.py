"""New-cargo alerts for saved searches (issue 8.2): poller, detection, sent ledger, messages."""
