# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Names shared by the models, the controllers and the engine."""

SYSTEM_KINDS = [
    ("stripe", "Stripe"),
    ("billing", "Billing platform"),
    ("crm", "CRM"),
    ("generic", "Generic"),
]
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

MAPPING_KINDS = [
    ("product", "Product"),
    ("tax", "Tax"),
    ("account", "Account"),
    ("journal", "Journal"),
    ("currency", "Currency"),
    ("company", "Company (entity)"),
    ("analytic", "Analytic account"),
]
MAPPING_TARGET_MODELS = [
    ("product.product", "Product"),
    ("product.template", "Product template"),
    ("account.tax", "Tax"),
    ("account.account", "Account"),
    ("account.journal", "Journal"),
    ("res.currency", "Currency"),
    ("res.company", "Company"),
    ("account.analytic.account", "Analytic account"),
]

# Domains a system may own (the system of record for that kind of data).
OWNED_DOMAINS = ("customers", "subscriptions", "payments")

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
