from . import collection_roll_rate_report
