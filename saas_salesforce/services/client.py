# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Salesforce REST API through ``requests``: OAuth 2.0 client credentials,
SOQL queries (``query``, or ``queryAll`` with the deleted records) followed
through ``nextRecordsUrl``, the token refreshed once on
401, and ``REQUEST_LIMIT_EXCEEDED`` raised for the caller to back off."""

from urllib.parse import urljoin

import requests

from ..lib.translate import format_sf_datetime

TIMEOUT = 30
LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED"


class SalesforceError(Exception):
    """Salesforce refused a call or could not be reached."""

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def user_message(self, env):
        if self.status in (400, 401) and self.code in ("invalid_client", "invalid_grant"):
            return env._(
                "Salesforce refused the Connected App (%s): check the consumer key and "
                "secret, that the client credentials flow is enabled with a run-as user.",
                self.message,
            )
        if self.status is None:
            return env._(
                "Salesforce could not be reached (%s): check the domain URL and that this "
                "server may open HTTPS connections to it.",
                self.message,
            )
        return self.message


class RequestLimitExceeded(SalesforceError):
    """The org's API request limit is exhausted: wait before calling again."""


def _error_of(response):
    """(errorCode, message) of a REST error body: a list of
    ``{"errorCode", "message"}``, or the OAuth ``{"error", "error_description"}``."""
    try:
        body = response.json()
    except ValueError:
        return None, (response.text or "")[:200]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return body[0].get("errorCode"), body[0].get("message") or ""
    if isinstance(body, dict):
        return body.get("error") or body.get("errorCode"), (
            body.get("error_description") or body.get("message") or ""
        )
    return None, str(body)[:200]


class SalesforceClient:
    def __init__(self, system, store):
        self.system = system
        self.store = store
        self.login_url = store.salesforce_login_url.rstrip("/")
        self.version = (store.salesforce_api_version or "v62.0").strip()
        self.session = requests.Session()
        self.token_requests = 0

    # ----------------------------------------------------------------- token
    def _request(self, method, url, **kwargs):
        try:
            return self.session.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise SalesforceError(str(exc)) from exc

    def _fetch_token(self):
        self.token_requests += 1
        response = self._request(
            "POST",
            f"{self.login_url}/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.store.salesforce_client_id_value,
                "client_secret": self.store.salesforce_client_secret_value,
            },
        )
        if response.status_code != 200:
            code, message = _error_of(response)
            raise SalesforceError(
                f"token request refused ({response.status_code} {code}: {message})",
                response.status_code,
                code,
            )
        body = response.json()
        if not body.get("access_token"):
            raise SalesforceError("the token answer holds no access_token", 200)
        self.store.write(
            {
                "salesforce_access_token_value": body["access_token"],
                "salesforce_instance_url_value": (
                    body.get("instance_url") or self.login_url
                ).rstrip("/"),
            }
        )
        return body["access_token"]

    def _token(self):
        return self.store.salesforce_access_token_value or self._fetch_token()

    def _url(self, path):
        """An API path on the instance; an absolute URL is refused (the token
        only ever goes to the instance the token endpoint named)."""
        if not path.startswith("/"):
            raise SalesforceError(f"unexpected URL {path[:100]!r}")
        base = self.store.salesforce_instance_url_value or self.login_url
        return urljoin(base + "/", path.lstrip("/"))

    # ------------------------------------------------------------------ REST
    def get(self, path, params=None):
        """GET an API path; numbers are kept as their exact JSON literals."""
        response = self._get(path, params, self._token())
        if response.status_code == 401:
            # The session expired or was revoked: one new token, one retry.
            response = self._get(path, params, self._fetch_token())
        if response.status_code >= 400:
            code, message = _error_of(response)
            error = RequestLimitExceeded if code == LIMIT_EXCEEDED else SalesforceError
            raise error(
                f"{response.status_code} {code or ''}: {message}".strip(),
                response.status_code,
                code,
            )
        try:
            return response.json(parse_float=str)
        except ValueError as exc:
            raise SalesforceError(f"the answer is not JSON: {exc}", response.status_code) from exc

    def _get(self, path, params, token):
        return self._request(
            "GET",
            self._url(path),
            params=params,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    def query(self, soql, include_deleted=False):
        """The records of ``soql``, every page (``nextRecordsUrl``). With
        ``include_deleted``, through ``queryAll``: the deleted and merged
        records of the Recycle Bin too (``IsDeleted`` true)."""
        resource = "queryAll" if include_deleted else "query"
        body = self.get(f"/services/data/{self.version}/{resource}", {"q": soql})
        while True:
            yield from body.get("records") or []
            if body.get("done", True) or not body.get("nextRecordsUrl"):
                return
            body = self.get(body["nextRecordsUrl"])

    def deleted(self, object_type, start, end):
        """``[{"id", "deletedDate"}]`` of the records of ``object_type``
        deleted between ``start`` and ``end`` (naive UTC datetimes), purged
        from the Recycle Bin too (the getDeleted resource; Salesforce keeps
        about 30 days)."""
        body = self.get(
            f"/services/data/{self.version}/sobjects/{object_type}/deleted/",
            {"start": format_sf_datetime(start), "end": format_sf_datetime(end)},
        )
        return body.get("deletedRecords") or []

    def count(self, object_type):
        body = self.get(
            f"/services/data/{self.version}/query", {"q": f"SELECT COUNT() FROM {object_type}"}
        )
        return body.get("totalSize", 0)
