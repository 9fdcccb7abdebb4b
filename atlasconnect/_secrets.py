"""What is secret in a connection string and in client keywords, and the forms that hide it.

What is secret (``docs/security.rst`` says the same):

- the password of the user information, every value of
  ``tlsCertificateKeyFilePassword`` and of ``proxyPassword``, and every ``authMechanismProperties``
  value except the few that only name things (``SERVICE_NAME``, ``ENVIRONMENT``...);
- every option pymongo does not know, name and value: an unescaped ``&`` in a
  password turns its tail into such an "option". Its name is shown only when
  it is a near miss of a real option name, which it then suggests.

Secrets are hidden by their place: the redacted URI, the options shown by the
doctor and :func:`~atlasconnect._connection_string.conceal` replace what stands
in a secret's place with ``****``, whatever its value, so a password that
happens to equal a host name or a word of a message neither shows nor gives
itself away. Texts that pymongo derives from the URI (its complaints about
options) are searched for every secret and each whole occurrence is replaced
(:func:`~atlasconnect._connection_string.redact`); texts from the network
never saw a secret and are shown as they are.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple
from urllib.parse import unquote_plus

from . import _pymongo_internals as pymongo_internals

REDACTED = "****"

# Option and keyword names are matched in lower case, as pymongo matches them.
_SECRET_OPTIONS = frozenset({"tlscertificatekeyfilepassword", "proxypassword"})
SECRET_KEYWORDS = frozenset({"password", "tlscertificatekeyfilepassword", "proxypassword"})
MECHANISM_PROPERTIES = "authmechanismproperties"
# authMechanismProperties that only name things; every other value may be a token.
PUBLIC_MECHANISM_PROPERTIES = frozenset(
    {
        "ALLOWED_HOSTS",
        "CANONICALIZE_HOST_NAME",
        "ENVIRONMENT",
        "SERVICE_HOST",
        "SERVICE_NAME",
        "SERVICE_REALM",
        "TOKEN_RESOURCE",
    }
)
_SECRET_MECHANISM_PROPERTIES = frozenset(
    {"AWS_SESSION_TOKEN", "OIDC_CALLBACK", "OIDC_HUMAN_CALLBACK"}
)
# Characters that end the user information of a URI early when left unescaped.
UNESCAPED_IN_USERINFO = ("@", "/", "?")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class ConcealedStr(str):
    """A secret whose ``repr`` is ``'****'``; ``str()`` and every other use see the text.

    atlasconnect holds the caller's secrets in this form (and the URI as a
    :class:`ConcealedURI`), so that a traceback printed with local variables
    (Sentry, ``pytest --showlocals``) shows ``****`` where a secret is, while
    pymongo still gets the real text.
    """

    def __repr__(self) -> str:
        return repr(REDACTED)


class OptionPair(NamedTuple):
    """One ``name=value`` of a URI's query, and how it may be shown."""

    shown_name: str
    shown_value: str
    secrets: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> OptionPair:
        name, equals, value = text.partition("=")
        key = name.lower()
        if key in _SECRET_OPTIONS:
            return cls(name, REDACTED, forms(value))
        if key == MECHANISM_PROPERTIES:
            return _mechanism_properties(name, value)
        if key in pymongo_internals.known_uri_options():
            return cls(name, value, ())
        if near_miss(name):
            return cls(name, REDACTED if equals else "", forms(value))
        return cls(REDACTED, REDACTED if equals else "", forms(name) + forms(value))

    @property
    def shown(self) -> str:
        return f"{self.shown_name}={self.shown_value}" if self.shown_value else self.shown_name


def _mechanism_properties(name: str, value: str) -> OptionPair:
    """Show the properties that only name things; hide every other value.

    pymongo percent-decodes the whole value before splitting it, so this does
    too: an encoded ':' or ',' must not smuggle a token past.
    """
    shown, secrets = [], []
    for item in unquote_plus(value).split(","):
        key, colon, item_value = item.partition(":")
        if key in PUBLIC_MECHANISM_PROPERTIES and colon:
            shown.append(item)
        elif key in _SECRET_MECHANISM_PROPERTIES and colon:
            shown.append(f"{key}:{REDACTED}")
            secrets.append(item_value)
        else:  # not a property name: a piece of a value cut at an unescaped ','
            shown.append(REDACTED)
            secrets.extend((item, key, item_value))  # pymongo names an unknown key
    secrets = [secret for secret in secrets if secret]
    return OptionPair(name, ",".join(shown), (*secrets, value) if secrets else ())


def near_miss(name: str) -> str | None:
    """The real option name that ``name`` (not one itself) is a likely misspelling of."""
    known = pymongo_internals.known_uri_options()
    matches = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.8)
    return matches[0] if matches and name.lower() not in known else None


def forms(secret: str) -> tuple[str, ...]:
    """A secret as written and as pymongo may echo it, percent-decoded."""
    return tuple(dict.fromkeys(s for s in (secret, unquote_plus(secret)) if s))


def keyword_secrets(keywords: Mapping[str, Any]) -> tuple[str, ...]:
    """Secrets passed as client keywords: ``password``, key file password, token properties."""
    return tuple(_keyword_secrets(keywords))


def _keyword_secrets(keywords: Mapping[str, Any]) -> Iterator[str]:
    for name, value in keywords.items():
        key = name.lower()
        if key in SECRET_KEYWORDS and value:
            yield str(value)
        elif key == MECHANISM_PROPERTIES and isinstance(value, Mapping):
            yield from (
                str(v) for k, v in value.items() if k not in PUBLIC_MECHANISM_PROPERTIES and v
            )


def credential_secrets(userinfo: str) -> tuple[str, ...]:
    _, colon, password = userinfo.partition(":")
    return forms(password) if colon else ()


def redact_userinfo(userinfo: str) -> str:
    user, colon, _ = userinfo.partition(":")
    if BAD_PERCENT.search(user) or any(c in user for c in UNESCAPED_IN_USERINFO):
        return REDACTED
    return user + (":" + REDACTED if colon else "")
