# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import saas_audit
from . import saas_system
from . import saas_api_key
from . import saas_handler
from . import saas_event
from . import saas_event_engine
from . import saas_event_attempt
from . import saas_event_record
from . import saas_binding
from . import saas_mapping
from . import saas_monitor
from . import saas_signature_failure
from . import res_config_settings
from . import saas_sync_demo
from . import saas_system_adapter
from . import res_partner
