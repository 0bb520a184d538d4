from . import test_run_as_jobs
from . import test_agents_in_parallel_jobs
