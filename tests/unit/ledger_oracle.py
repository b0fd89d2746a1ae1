# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An in-memory MRR ledger: the reference model of the movement rules.

Test-only: the Odoo models apply the same rules (through :mod:`lib.mrr`);
this model lets the unit property tests explore random lifecycles quickly.
"""

from dataclasses import dataclass, field

from odoo.addons.saas_subscription.lib.mrr import ZERO, movement_type


@dataclass
class Movement:
    customer: str
    subscription: str
    kind: str
    delta: object


@dataclass
class Ledger:
    mrr: dict = field(default_factory=dict)  # subscription -> (customer, Decimal)
    movements: list = field(default_factory=list)
    customers_with_history: set = field(default_factory=set)

    def customer_mrr(self, customer):
        return sum((m for c, m in self.mrr.values() if c == customer), ZERO)

    def set_mrr(self, customer, subscription, new_mrr):
        """Record a subscription's new MRR; return the movement written, if any."""
        if new_mrr < 0:
            raise ValueError("MRR cannot be negative")
        _owner, old = self.mrr.get(subscription, (customer, ZERO))
        if new_mrr == old:
            return None
        before = self.customer_mrr(customer)
        after = before - old + new_mrr
        kind = movement_type(before, after, customer in self.customers_with_history)
        self.mrr[subscription] = (customer, new_mrr)
        if after > 0:
            self.customers_with_history.add(customer)
        movement = Movement(customer, subscription, kind, new_mrr - old)
        self.movements.append(movement)
        return movement

    def subscription_sum(self, subscription):
        return sum((m.delta for m in self.movements if m.subscription == subscription), ZERO)
