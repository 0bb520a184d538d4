"""The engine of the daily run, apart from the models it drives.

``collection.run`` (models/collection_run.py) is the entry point and names the
steps of the run and of a batch; the work of each step is written here, as
plain functions of the records it is given: reading what is overdue
(``overdue``), opening, moving and closing cases (``cases``), applying the
ownership rules (``routing``), holding the cases of customers in a
settlement (``settlements``), accruing penal charges (``penal``) and logging
the reminder steps now due (``reminders``), holding the cases under an approved
exception (``exceptions``), choosing the cases that ask for a recovery decision
(``recovery``), the days past due the credit bureau hears (``bureau``), and
the customers with nothing to decide today, moved on in bulk (``quiet``).
``batch.RunBatch`` is what the steps of one batch hand each other. The bulk SQL
they write with is ``bulk_sql``.
"""

from . import batch
from . import bureau
from . import cases
from . import exceptions
from . import overdue
from . import penal
from . import quiet
from . import recovery
from . import reminders
from . import routing
from . import settlements
