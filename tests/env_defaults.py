"""Loaded as an early pytest plugin (see pyproject's addopts) so that it runs
before pytest-django imports the settings: tests read the same environment
variables as everything else, and default to DEBUG so that a development
secret key is generated instead of required."""

import os

os.environ.setdefault("DEBUG", "true")

# Keep the tests' files (the filesystem broker's folders, the dev key) apart
# from those of a `make run` that may be serving on the same checkout.
if "TAIZHANG_VAR_DIR" not in os.environ:
    import tempfile

    os.environ["TAIZHANG_VAR_DIR"] = tempfile.mkdtemp(prefix="taizhang-test-")
