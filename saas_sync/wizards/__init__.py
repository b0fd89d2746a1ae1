# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_api_key_show
from . import saas_event_replay
from . import saas_event_ignore
from . import saas_backfill
from . import saas_audit_verify
