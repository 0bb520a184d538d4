from . import collection_art_sla_report
