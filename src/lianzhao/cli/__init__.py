"""Command-line front ends that need no Django: ``lianzhao io …`` (:mod:`lianzhao.cli.io`).

They sit above the framework-free core (refdata, econ) and may use both; the web apps' commands
are Django management commands in their own apps.
"""
