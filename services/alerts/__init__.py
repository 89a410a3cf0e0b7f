"""New-cargo alerts for saved searches: poller, detection, sent ledger, messages."""
