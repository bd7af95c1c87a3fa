"""The law: pure rules over the model (attendance, quorum, proxies, outcomes, money) and the checks that turn them into problems."""
