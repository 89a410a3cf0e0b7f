"""The driver load harness and chaos run: client, driver script, stack, sampler, stats."""
