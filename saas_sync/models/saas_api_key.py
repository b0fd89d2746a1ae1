# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import secrets

from odoo import api, fields, models

from ..const import SECRET_STORE_GROUP

KEY_PREFIX = "saas"
PREFIX_CHARS = 8


def _hash_key(secret_part):
    # API keys carry 256 bits of randomness, so one SHA-256 is enough (no
    # password stretching needed) and keeps authentication cheap per request.
    return hashlib.sha256(secret_part.encode()).hexdigest()


class SaasApiKey(models.Model):
    _name = "saas.api.key"
    _description = "API key of a connected system"
    _order = "create_date desc, id desc"

    name = fields.Char(required=True)
    system_id = fields.Many2one("saas.system", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="system_id.company_id", store=True)
    prefix = fields.Char(
        readonly=True, index=True, help="First characters of the key, to recognise it."
    )
    key_hash = fields.Char(readonly=True, groups=SECRET_STORE_GROUP)
    active = fields.Boolean(default=True)
    revoked_at = fields.Datetime(readonly=True)
    revoked_by_id = fields.Many2one("res.users", readonly=True)

    _sql_constraints = [("prefix_unique", "unique(prefix)", "API key prefixes must be unique.")]

    @api.model
    def _generate(self, system, name):
        prefix = secrets.token_hex(PREFIX_CHARS // 2)
        secret_part = secrets.token_urlsafe(32)
        self.create(
            {
                "name": name,
                "system_id": system.id,
                "prefix": prefix,
                "key_hash": _hash_key(secret_part),
            }
        )
        system.message_post(
            body=self.env._("API key %(name)s (%(prefix)s…) created.", name=name, prefix=prefix)
        )
        return f"{KEY_PREFIX}_{prefix}_{secret_part}"

    @api.model
    def _system_of_prefix(self, token):
        """The system a key with ``token``'s prefix belongs to (active or
        revoked), or an empty recordset: whom to tell about a refused key."""
        parts = token.strip().split("_", 2) if isinstance(token, str) else []
        if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != PREFIX_CHARS:
            return self.env["saas.system"]
        key = (
            self.sudo().with_context(active_test=False).search([("prefix", "=", parts[1])], limit=1)
        )
        return key.system_id

    @api.model
    def _match(self, token):
        """Return the active key matching ``token`` (superuser), or an empty recordset."""
        if not token or not isinstance(token, str):
            return self.browse()
        parts = token.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != PREFIX_CHARS:
            return self.browse()
        # One query for the key and its hash (the system is read next).
        key = self.sudo().search_fetch(
            [("prefix", "=", parts[1])], ["key_hash", "system_id"], limit=1
        )
        if not key or not hmac.compare_digest(key.key_hash or "", _hash_key(parts[2])):
            return self.browse()
        return key

    def action_revoke(self):
        self.env["saas.system"]._check_admin()
        for key in self:
            key.write(
                {
                    "active": False,
                    "revoked_at": fields.Datetime.now(),
                    "revoked_by_id": self.env.uid,
                }
            )
            key.system_id.message_post(
                body=self.env._(
                    "API key %(name)s (%(prefix)s…) revoked.", name=key.name, prefix=key.prefix
                )
            )
        return True
