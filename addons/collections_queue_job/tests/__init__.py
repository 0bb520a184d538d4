from . import test_run_as_jobs
