from . import job_counts
from . import models
