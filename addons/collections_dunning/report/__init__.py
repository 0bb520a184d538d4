from . import collection_efficiency_report
from . import collection_agent_report
from . import collection_sla_report
from . import collection_aging_report
