"""A pytest plugin that runs before Django's settings are read (pyproject.toml: ``-p tests.local_http``).

The suite talks plain HTTP to Django's test client, as ``make run`` does, so it needs the settings'
local switch (no HTTPS redirect, local host names, a development key), with debug still off. A root
conftest.py would be too late: pytest-django reads the settings before any conftest is imported.
Whoever runs the tests may still choose otherwise by setting the variable themselves.
"""

import os

os.environ.setdefault("AFTERSALES_LOCAL_HTTP", "1")
