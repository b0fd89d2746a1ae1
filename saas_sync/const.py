# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Names shared by the models, the controllers and the engine."""

# Adapter addons add their platform's kind (saas_stripe: "stripe").
SYSTEM_KINDS = [
    ("billing", "Billing platform"),
    ("crm", "CRM"),
    ("generic", "Generic"),
]
# Security groups of the suite (saas_sync/security/saas_sync_security.xml).
SUPPORT_GROUP = "saas_sync.group_saas_support"
REVIEWER_GROUP = "saas_sync.group_saas_reviewer"
ADMIN_GROUP = "saas_sync.group_saas_admin"
# Holds the stored secrets; only the superuser is in it.
SECRET_STORE_GROUP = "saas_sync.group_saas_secret_store"

ENVIRONMENTS = [("sandbox", "Sandbox"), ("production", "Production")]

EVENT_STATES = [
    ("received", "Received"),
    ("processing", "Processing"),
    ("done", "Done"),
    ("ignored", "Ignored"),
    ("retry", "Retry"),
    ("needs_mapping", "Needs mapping"),
    ("dead", "Dead"),
]
PENDING_STATES = ("received", "retry", "processing")
DUE_STATES = ("received", "retry")
# The first key of the advisory locks a worker holds on its claims (the second
# is the claim's key): "SA" "AS" in hex, apart from other addons' locks.
CLAIM_LOCK_NAMESPACE = 0x5341_4153

LANES = [("operational", "Operational"), ("financial", "Financial")]
# Canonical event types of the financial lane: the billing documents that post
# receivables and revenue (scheduled batches). Customers, subscriptions,
# payments, failed payments and refunds stay operational (near real time); a
# payment whose invoice is still queued in the financial lane, or an invoice
# whose customer is still queued in the operational lane, retries as a
# ``dependency`` until the other lane has run.
FINANCIAL_TYPES = frozenset({"invoice.issued", "invoice.voided", "credit_note.issued"})

ERROR_CLASSES = [
    ("transient", "Transient"),
    ("dependency", "Dependency"),
    ("mapping", "Mapping"),
    ("validation", "Validation"),
    ("bug", "Bug (internal error)"),
]
# A defect in a handler (KeyError, TypeError, AttributeError...), not in the event.
BUG_ERROR_CLASS = "bug"
# Error classes that go to the dead letter at the first attempt.
DEAD_AT_ONCE = ("validation", BUG_ERROR_CLASS)

# The kinds of mapping the core knows (models of `base`); saas_subscription
# adds the accounting ones (product, tax, account, journal, analytic).
MAPPING_KINDS = [
    ("company", "Company (entity)"),
    ("currency", "Currency"),
]
MAPPING_TARGET_MODELS = [
    ("res.company", "Company"),
    ("res.currency", "Currency"),
]

PARAM_PREFIX = "saas_sync."
DEFAULTS = {
    "environment": "sandbox",
    "batch_size": 50,
    "backoff_base": 30,
    "backoff_factor": 2.0,
    "backoff_cap": 3600,
    "max_attempts": 8,
    # An event processing longer than this was left by a stopped worker.
    "stale_processing_minutes": 30,
    "max_body_bytes": 1048576,
    "max_events_per_request": 100,
    "retention_days": 90,
    "alert_dead_threshold": 1,
    "alert_oldest_pending_minutes": 30,
}
