"""Shared test set-up: pytester for running kspec's pytest plugin end to end."""

pytest_plugins = ["pytester"]
