"""Demo data for trying Aftersales: three stores, their staff, orders and multilingual tickets.

``builder.load_demo()`` (run by ``manage.py load_demo``) is deterministic and idempotent: the plan
(``plan.build_plan``) is built from fixed seeds, and only rows that are missing are written.
Modules: ``cast`` (stores, staff), ``catalogue`` (SKUs), ``people`` (buyers), ``platforms`` (ids,
carriers), ``scenarios`` and ``conversations/<language>`` (what tickets are about, and the words).
"""
