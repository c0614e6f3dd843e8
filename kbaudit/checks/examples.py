"""Documentation examples that look like secrets or personal data but are not.

Help centers show readers what a key, a password, an address or a card number looks like. The
values they use are samples: published demo keys (`AKIAIOSFODNN7EXAMPLE`), placeholders
(`<your-api-key>`, `xxxx`, `$PASSWORD`), addresses at reserved example domains (RFC 2606 and
RFC 6761, the fictitious companies of vendor docs), fictional phone ranges and the payment
networks' test cards; API reference shows made-up records in its example payloads. These
helpers tell such samples from the real thing, so that a security finding means a real leak.
A value that looks random and names nothing fictitious stays a finding.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from kbaudit.apiref import api_reference

# Published sample credentials (vendor docs, RFCs, TOTP demos) and the passwords every how-to
# uses. Compared case-insensitively as substrings of the match.
SAMPLE_VALUES = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "JBSWY3DPEHPK3PXP",
    "GEZDGNBVGY3TQOJQ",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",  # the jwt.io demo signature
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",  # jwt.io
)

# Published sample private keys, by the SHA-256 of characters 64-128 of their base64 body (past
# the ASN.1 header every key of a size shares): jwt.io's RS256 demo key, which libraries copy
# into their docs and tests. Stored as digests so that no key text sits in this code.
SAMPLE_KEY_DIGESTS = frozenset({"d5fd7bd2ef16d45a95caef2dc75aed4da5d6e865c721022ab5d9cf5619ccfda7"})

# The words weak demo passwords are made of (`admin123`, `Welcome1`, `root2024`): a login a
# tutorial hands out, not a credential someone leaked.
DEMO_PASSWORD_WORDS = frozenset(
    [
        "admin",
        "administrator",
        "root",
        "user",
        "guest",
        "test",
        "demo",
        "default",
        "welcome",
        "login",
        "master",
        "hello",
        "secret",
        "pass",
        "super",
        "manager",
        "operator",
        "service",
    ]
)

# Words that make a value a placeholder once leet-speak is folded (`P@ssw0rd` -> password).
PLACEHOLDER_WORDS = (
    "example",
    "sample",
    "placeholder",
    "dummy",
    "redacted",
    "changeme",
    "password",
    "passwd",
    "your",
    "mykey",
    "mytoken",
    "mysecret",
    "mypass",
    "secretkey",
    "apikey",
    "accesskey",
    "accesstoken",
    "letmein",
    "qwerty",
    "abc123",
    "123456",
    "contoso",
    "fabrikam",
)

# RFC 2606 / RFC 6761 reserved names and the fictitious companies of vendor documentation.
EXAMPLE_DOMAINS = (
    "example.com",
    "example.org",
    "example.net",
    "example.edu",
    "contoso.com",
    "contoso.net",
    "contoso.onmicrosoft.com",
    "fabrikam.com",
    "fabrikam.net",
    "northwindtraders.com",
    "adventure-works.com",
    "adventureworks.com",
    "litwareinc.com",
    "wingtiptoys.com",
    "tailspintoys.com",
    "woodgrovebank.com",
    "proseware.com",
    "fourthcoffee.com",
    "cohovineyard.com",
    "cohowinery.com",
    "alpineskihouse.com",
    "lucernepublishing.com",
    "margiestravel.com",
    "treyresearch.net",
    "wideworldimporters.com",
    "relecloud.com",
    "acme.com",
)
# Reserved top-level names (RFC 2606, RFC 6761) and the names of fictitious companies, which
# are samples under any suffix (contoso.onmicrosoft.com, mail.fabrikam.co.uk).
EXAMPLE_TLDS = ("example", "test", "invalid", "localhost", "local")
EXAMPLE_COMPANIES = (
    "contoso",
    "fabrikam",
    "northwindtraders",
    "northwind",
    "adventure-works",
    "adventureworks",
    "litwareinc",
    "litware",
    "wingtiptoys",
    "tailspintoys",
    "woodgrovebank",
    "woodgrove",
    "proseware",
    "fourthcoffee",
    "cohovineyard",
    "cohowinery",
    "alpineskihouse",
    "wideworldimporters",
    "relecloud",
)

# Local parts of e-mail addresses made of these words only are samples: john.doe@, someone@.
SAMPLE_PEOPLE = frozenset(
    [
        "john",
        "jane",
        "doe",
        "johndoe",
        "janedoe",
        "jdoe",
        "jsmith",
        "smith",
        "alice",
        "bob",
        "carol",
        "dave",
        "eve",
        "mallory",
        "someone",
        "somebody",
        "anyone",
        "user",
        "username",
        "name",
        "yourname",
        "myname",
        "first",
        "last",
        "firstname",
        "lastname",
        "fname",
        "lname",
        "person",
        "customer",
        "client",
        "employee",
        "admin",
        "test",
        "tester",
        "testing",
        "demo",
        "sample",
        "example",
        "dummy",
        "fake",
        "foo",
        "bar",
        "baz",
        "me",
        "you",
        "your",
        "my",
        "email",
        "mail",
        "address",
        "contoso",
        "fabrikam",
        "ext",
        "external",
        "externaluser",
        "guest",
        "something",
        "somewhere",
        "nobody",
        "account",
        "myaccount",
        "youraccount",
        "sender",
        "from",
        "to",
        "rec",
        "rcpt",
        "recipient",
        "receiver",
        "mrx",
    ]
)
# Local-part words that stand for a role in a message or a form, not for a person: an address
# that holds one (`user.acme@`, `sender@`) is a sample even beside a real-looking word.
ROLE_WORDS = frozenset(
    [
        "user",
        "username",
        "someone",
        "something",
        "sender",
        "recipient",
        "receiver",
        "rcpt",
        "your",
        "yourname",
        "myaccount",
        "youraccount",
        "example",
        "sample",
    ]
)
SAMPLE_MARKERS = frozenset(
    [
        "example",
        "sample",
        "test",
        "demo",
        "dummy",
        "fake",
        "placeholder",
        "contoso",
        "fabrikam",
        "northwind",
        "yourname",
        "username",
        "someone",
    ]
)

# Test card numbers the payment networks and processors publish for integration testing.
TEST_CARDS = frozenset(
    {
        "4242424242424242",
        "4000056655665556",
        "4111111111111111",
        "4012888888881881",
        "4222222222222",
        "5555555555554444",
        "5200828282828210",
        "5105105105105100",
        "2223003122003222",
        "378282246310005",
        "371449635398431",
        "378734493671000",
        "6011111111111117",
        "6011000990139424",
        "3056930009020004",
        "36227206271667",
        "3566002020360505",
        "6200000000000005",
        "4000000000000002",
        "4000000000009995",
        "4000002500003155",
    }
)

_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "$": "s", "5": "s"})
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.(eyJ[A-Za-z0-9_-]{4,})\.[A-Za-z0-9_-]*")
_VARIABLE = re.compile(r"^[\"'`]?(?:\$\{?|%|\{\{?|<|\[|@)[\w.-]+")
_HOST = re.compile(r"(?i)(?:https?://|@|//|\bhost[:=]\s*)((?:[a-z0-9-]+\.)+[a-z0-9-]+)")
_CARD_WORDS = re.compile(
    r"(?i)\b(?:card|cards|visa|master\s?card|amex|american express|discover|diners|jcb|"
    r"credit|debit|cc|pan|cvv|cvc|expir\w*|billing|payment|paid|charged)\b"
)


def is_example_domain(host: str, extra: Iterable[str] = ()) -> bool:
    """A reserved or fictitious domain: example.com, *.test, contoso.com, mail.fabrikam.net."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    if labels[-1] in EXAMPLE_TLDS:
        return True
    if any(label in EXAMPLE_COMPANIES for label in labels[:-1]):
        return True
    return any(host == d or host.endswith("." + d) for d in (*EXAMPLE_DOMAINS, *extra))


def _folded(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower().translate(_LEET))


def _low_variety(value: str) -> bool:
    """`xxxxxxxx`, `00000000`, `abcdefgh12345678`, `1234567890abcdef`: a shape, not a key."""
    body = re.sub(r"[^A-Za-z0-9]", "", value)
    if len(body) < 8:
        return False
    if re.search(r"(.)\1{3,}", body):
        return True
    runs = sum(
        1 for a, b in zip(body.lower(), body.lower()[1:], strict=False) if ord(b) - ord(a) == 1
    )
    return runs >= len(body) * 0.6 or len(set(body.lower())) <= max(3, len(body) // 5)


def _names_its_key(value: str, folded: str) -> bool:
    """`aws_secret_access_key=s3Secret`, `api_key: apikey_2`: a value that repeats a word of
    its own key is a name for the secret, not the secret."""
    assignment = re.match(r"([\w-]+)\s*[:=]", value)
    if assignment is None:
        return False
    words = [w for w in re.split(r"[^a-z]+", assignment.group(1).lower()) if len(w) >= 4]
    return any(w in folded for w in words)


def _demo_password(secret: str) -> bool:
    """`admin123`, `Welcome1`, `root2024`: one demo word and a few digits."""
    m = re.fullmatch(r"([A-Za-z]{4,13})(\d{1,4})[!.]?", secret)
    return m is not None and m.group(1).lower() in DEMO_PASSWORD_WORDS


def _identifier(secret: str, source: str, end: int) -> bool:
    """`aws_secret_access_key=s3Secret,` in code: an unquoted camelCase or snake_case name
    followed by `,` or `)` is a variable that holds the secret, not the secret itself."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", secret):
        return False
    after = source[end : end + 2].lstrip(" ")
    shaped = re.fullmatch(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+|[a-z]+(?:_[a-z0-9]+)+", secret)
    return shaped is not None and after[:1] in (",", ")")


def _jwt_claims(token: str) -> dict[str, object] | None:
    m = _JWT.search(token)
    if not m:
        return None
    payload = m.group(1)
    try:
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(decoded.decode("utf-8", "replace"))
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def _jwt_is_sample(token: str, today: dt.date, extra_domains: Iterable[str]) -> bool:
    """A token whose claims name an example domain, or that expired before today, grants
    nothing to whoever reads it."""
    claims = _jwt_claims(token)
    if claims is None:
        return False
    exp = claims.get("exp")
    if isinstance(exp, str) and exp.isdigit():
        exp = int(exp)
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        try:
            if dt.datetime.fromtimestamp(exp, dt.UTC).date() < today:
                return True
        except (OverflowError, OSError, ValueError):
            pass
    text = json.dumps(claims)
    return any(is_example_domain(h, extra_domains) for h in _HOST.findall(text)) or any(
        c in text.lower() for c in EXAMPLE_COMPANIES
    )


def _key_block_is_sample(source: str, end: int) -> bool:
    """`-----BEGIN PRIVATE KEY-----` followed by `...` or a few characters: a shape, not a key."""
    stop = source.find("-----END", end)
    block = source[end : stop if stop >= 0 else end + 400]
    block = block.split("\n", 1)[1] if "\n" in block else ""  # drop the rest of the header
    material = re.sub(r"[^A-Za-z0-9+/=]", "", block.replace("\\n", ""))  # `\n'+` in code
    if hashlib.sha256(material[64:128].encode()).hexdigest() in SAMPLE_KEY_DIGESTS:
        return True
    return "..." in block or "…" in block or len(material) < 40 or len(set(material)) < 16


def _context_host(source: str, start: int, end: int) -> str | None:
    """The host of the URL the match sits in (`https://host/...?token=<match>`), if any."""
    left = max(source.rfind(c, 0, start) for c in (" ", "\n", "\t", '"', "'", "(", "<", ">", "`"))
    token = source[left + 1 : end]
    m = re.match(r"(?i)[a-z][a-z0-9+.-]*://([^/?#:\s]+)", token)
    return m.group(1) if m else None


# An instruction to make a wireless network of one's own ("Create a new SSID on your
# router:", "provide a Mobile hotspot:"), which the lines after it describe.
_CREATES_NETWORK = re.compile(
    r"(?i)\b(?:create|provide|set up|make|start|turn on|enable)\b[^\n]{0,60}?"
    r"\b(?:hotspot|access point|ssid)\b"
)


def _reader_creates_network(source: str, start: int) -> bool:
    """Whether a credential is a setting of a network the article tells the reader to make
    (a device joins only a hotspot named and locked as its maker documents): the reader's
    own value to type in, published by the vendor, not a secret of the company. Read in the
    three lines before it."""
    lines = source.rfind("\n", 0, start)
    for _ in range(3):
        if lines <= 0:
            break
        lines = source.rfind("\n", 0, lines)
    return _CREATES_NETWORK.search(source, max(0, lines, start - 400), start) is not None


# A statement that makes an account and sets its password (`db.createUser({user: ...,
# pwd: ...})`, `CREATE USER chat WITH PASSWORD '...'`, `ALTER ROLE ... PASSWORD`).
_CREATES_ACCOUNT = re.compile(r"(?i)\b(?:createUser|(?:create|alter)[ \t]+(?:user|role|login))\b")


def _reader_creates_account(source: str, start: int) -> bool:
    """Whether a credential is the password of an account the article's own statement
    creates (a tutorial's database user): the reader sets it on their own server, so it is
    no secret of the company. The statement must still be open: no `;` or `)` between it
    and the credential, within 300 characters."""
    window = max(0, start - 300)
    for m in _CREATES_ACCOUNT.finditer(source, window, start):
        between = source[m.end() : start]
        if ";" not in between and ")" not in between:
            return True
    return False


def secret_is_sample(
    value: str,
    source: str,
    start: int,
    end: int,
    *,
    today: dt.date,
    samples: Iterable[str] = (),
    domains: Iterable[str] = (),
) -> bool:
    """Whether a credential-shaped match is a documentation example rather than a leak."""
    lowered = value.lower()
    if "PRIVATE KEY" in value:
        return _key_block_is_sample(source, end)
    if any(s.lower() in lowered for s in (*SAMPLE_VALUES, *samples)):
        return True
    # the value part of `key = value` / `Bearer value`
    secret = re.split(r"\s*[:=]\s*|\s+", value.strip(), maxsplit=1)[-1].strip("\"'` ;,")
    secret = re.sub(r"^&(?:quot|#0?39);", "", secret)  # a quote written as an HTML entity
    if _VARIABLE.match(secret) or not secret:
        return True
    folded = _folded(secret)
    if any(w in folded for w in PLACEHOLDER_WORDS):
        return True
    if re.match(r"[\w-]+\s*[:=]", value) and (  # `key = value`, not a vendor's key shape
        _names_its_key(value, folded) or _demo_password(secret) or _identifier(secret, source, end)
    ):
        return True
    if "_test_" in lowered or _low_variety(secret):
        return True
    if _reader_creates_network(source, start) or _reader_creates_account(source, start):
        return True
    if "eyJ" in value and _jwt_is_sample(value, today, domains):
        return True
    host = _context_host(source, start, end)
    return host is not None and is_example_domain(host, domains)


def email_is_sample(address: str, domains: Iterable[str] = ()) -> bool:
    """`john.doe@gmail.com`, `contoso_user@outlook.com`, `someone@example.com`: samples."""
    local, _, host = address.rpartition("@")
    if is_example_domain(host, domains):
        return True
    parts = [p for p in re.split(r"[^a-z]+", local.lower()) if p]
    if not parts:
        return True
    if any(p in SAMPLE_MARKERS or any(m in p for m in EXAMPLE_COMPANIES) for p in parts):
        return True
    if local.endswith(("+", ".")) or (re.fullmatch(r"[A-Z0-9_]+", local) and "_" in local):
        return True  # `name+@` (syntax, undeliverable), `MY_TOKEN@` (a variable)
    return any(p in ROLE_WORDS for p in parts) or all(
        p in SAMPLE_PEOPLE or len(p) == 1 for p in parts
    )


_ADDRESS = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
# Words that show what follows as the shape of a value, right before it: "An address might
# look like this: ...". ("For example, ana@... wrote" may tell of a real customer.)
_SHOWN_AS_EXAMPLE = re.compile(r"(?i)\blooks? like(?: this| so)?[\s:,*_`\"'(]{0,6}$")
# Where a sentence ends before an address: a full stop (not that of "e.g." or "i.e."), a
# blank line, a list item, a heading, a quote or an HTML block.
_SENTENCE_BREAK = re.compile(
    # not the stop of an abbreviation: one letter ("z. B.", "p. ex."), "e.g", "i.e", "ex", "ej"
    r"(?<!\b[^\W\d_])(?<!\be\.g)(?<!\bi\.e)(?<!\bex)(?<!\bej)(?<!\bnp)(?<!\bbv)(?<!\besim)"
    r"(?<!\bes)(?<!\bbijv)(?<!\bör)"
    r"[.!?][\"')\]*_]{0,3}(?=\s)|\n[ \t]*\n"
    r"|\n[ \t]{0,8}(?:[-*+>#]|\d{1,3}[.)])[ \t]|<(?:p|li|br|div|td|h[1-6])\b",
    re.I,
)
# "for example" in English and in the languages help centers are most often translated into
# (a translation keeps its source's sample values)
_EXAMPLE_MARKER = re.compile(
    r"(?i)\b(?:for (?:example|instance)|e\.\s?g\.|such as|z\.\s?b\.|zum beispiel|"
    r"par exemple|p\.\s?ex\.|ex\.|por ejemplo|p\.\s?ej\.|ej\.|por exemplo|per esempio|ad esempio|"
    r"bijvoorbeeld|bv\.|bijv\.|es\.|ör\.|örneğin|na przykład|np\.|например|наприклад|напр\.|π\.χ\.|t\.\s?ex\.|"
    r"esim\.|f\.\s?eks\.)|例如|例えば|예:|예를 들어|למשל|مثلا|مثال|على سبيل المثال"
)
# A made-up case the example sets up: "For example, if your address is ...".
_MADE_UP_CASE = re.compile(
    r"(?i)[\s,:]{0,4}(?:if|suppose|say|imagine|assume|let's say|let us say)\b"
)
# What the example is one of, named before it: "an address, e.g. ...", "your Apple ID
# (for example ...)". "Customers such as ana@..." names people, not a kind of value.
_VALUE_WORD = re.compile(
    r"(?i)\b(?:e-?mail|address|user ?name|log-?in|account|apple id|recipient|sender|alias|"
    r"phone|telephone|mobile|number|format)"
    # the same words in the languages of _EXAMPLE_MARKER (a phone number's format, mostly)
    r"|(?i:formato?|formaat|формат|φορμά|פורמט|تنسيق|telefon|téléphone|teléfono|telefone|"
    r"telefono|телефон|τηλέφωνο|טלפון|هاتف|numéro|número|nummer|numero|номер|αριθμό|adresse|"
    r"dirección|endereço|indirizzo|adres|адрес|電話|电话|전화)"
)
_RIGHT_BEFORE = re.compile(r"[\s:,*_`\"'(]{0,6}")
# A field that holds an account's handle (`"acct": "name@server"` in a fediverse API's
# data), which is written like an address but receives no mail.
_HANDLE_FIELD = re.compile(r"""(?i)["']?\b(?:acct|handle|webfinger)["']?\s*[:=]\s*["']?$""")
# Characters a KB masks the start of an address with (`***lin@...`, `•••@...`).
_MASKS = ("*", "•", "●", "…", "∗")
_LOCAL_HOST = re.compile(r"\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0)\b")


def _given_as_example(source: str, start: int) -> bool:
    """An address its own sentence gives as an example: right after "for example", "e.g." or
    "such as" that follow the kind of value it is ("Enter an address, e.g. ..."), or in a
    made-up case ("For example, if your friend's address is ..."). An example that opens the
    sentence and tells what someone did ("For example, ana@... wrote") is not one."""
    window = max(0, start - 300)
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(source, window, start)]
    sentence = source[breaks[-1] if breaks else window : start]
    markers = list(_EXAMPLE_MARKER.finditer(sentence))
    if any(_MADE_UP_CASE.match(sentence, m.end()) for m in markers):
        return True
    last = markers[-1] if markers else None
    return (
        last is not None
        and _RIGHT_BEFORE.fullmatch(sentence, last.end()) is not None
        and _VALUE_WORD.search(sentence, 0, last.start()) is not None
    )


@lru_cache(maxsize=4)
def _code_marks(source: str) -> tuple[list[int], bool, tuple[str, ...]]:
    """Once per article: where its fence lines start, whether its code talks to a local
    server, and the addresses it holds."""
    fences = [m.start() for m in re.finditer(r"(?m)^[ \t]*(?:```|~~~)", source)]
    local = any(_in_code(source, m.start(), fences) for m in _LOCAL_HOST.finditer(source))
    return fences, local, tuple(_ADDRESS.findall(source))


def _in_code(source: str, start: int, fences: list[int] | None = None) -> bool:
    """Inside a fenced block (Markdown) or a `<pre>`/`<code>` element (HTML)."""
    return _code_block(source, start, fences) is not None


# The opening of a fenced block (its info string names the language) or of an HTML code
# element (`<code class="lang-json">`, `<pre class="language-yaml">`).
_FENCE_INFO = re.compile(r"(?m)^[ \t]*+(?:`{3,}+|~{3,}+)[ \t]*+\{?\.?([\w+-]*+)")
_CODE_CLASS = re.compile(r"""(?i)\bclass\s*=\s*["'][^"']*?\b(?:lang|language)-([\w+-]+)""")
_PAYLOAD_LANGUAGES = frozenset(["json", "jsonc", "json5", "yaml", "yml", "javascript", "js"])
# A key on its line, before its value or the block it opens: `"email": "`, `  email: `,
# `- email: `, `"contact": {`.
_KEY_BEFORE = re.compile(r"""(?<![\w$@.-])([\w$@.-]++)["']?[ \t]*+:[ \t]*+["']?$""")
_KEY_LINE = re.compile(r"""^[ \t]*(?:-[ \t]+)?["']?([\w$@.-]+)["']?[ \t]*:""")
# Keys under which an API's spec or schema gives a sample value (OpenAPI, JSON Schema).
EXAMPLE_KEYS = frozenset(["example", "examples", "x-example", "x-examples", "sample", "samples"])


def _code_block(source: str, start: int, fences: list[int] | None = None) -> tuple[int, str] | None:
    """Where the code block holding `start` begins (a fenced block, a `<pre>` or `<code>`
    element), and the language it names ("" if none); None outside code."""
    fences = _code_marks(source)[0] if fences is None else fences
    at = bisect.bisect_left(fences, start)
    if at % 2:
        info = _FENCE_INFO.match(source, fences[at - 1])
        return source.find("\n", fences[at - 1]) + 1, (info[1] if info else "").lower()
    window = max(0, start - 20000)
    lower = source[window:start].lower()
    opened = max(lower.rfind("<pre"), lower.rfind("<code"))
    if opened < 0 or opened < max(lower.rfind("</pre"), lower.rfind("</code")):
        return None
    tag_end = source.find(">", window + opened, start)
    if tag_end < 0:  # within the opening tag itself
        return start, ""
    language = _CODE_CLASS.search(source, window + opened, tag_end)
    return tag_end + 1, (language[1] if language else "").lower()


def _indent(line: str) -> int:
    stripped = line.lstrip(" \t")
    return len(line[: len(line) - len(stripped)].expandtabs(4))


def _payload_keys(source: str, start: int, begins: int) -> list[str]:
    """The keys a value sits under in a JSON or YAML payload, its own first, then those of
    the objects and lists holding it (read by indentation, up to the block's start)."""
    line_start = max(begins, source.rfind("\n", 0, start) + 1)
    before = html.unescape(re.sub(r"<[^<>\n]*>", "", source[line_start:start]))
    own = _KEY_BEFORE.search(before)
    keys = [own[1].lower()] if own else []
    depth, end = _indent(before), line_start - 1
    for _ in range(400):  # lines above it, nearest first
        if depth == 0 or end < begins:
            break
        at = max(begins, source.rfind("\n", begins, end) + 1)
        line = html.unescape(re.sub(r"<[^<>\n]*>", "", source[at:end]))
        end = at - 1
        if line.strip() and _indent(line) < depth:
            depth = _indent(line)
            key = _KEY_LINE.match(line)
            keys += [key[1].lower()] if key else []
    return keys


def _in_sample_payload(source: str, start: int) -> bool:
    """A value an API's payload gives as a sample: under an `example` key of a spec or a
    schema (`example: ana.lopez@...`), or a field's value in a request, response or object
    shown in JSON or YAML on a page of API reference (one that documents operations or an
    object's fields): such pages show what the API sends, with made-up records. A record
    pasted into an ordinary article is not one."""
    block = _code_block(source, start)
    if block is None:
        return False
    begins, language = block
    keys = _payload_keys(source, start, begins)
    if EXAMPLE_KEYS.intersection(keys):
        return True
    payload = language in _PAYLOAD_LANGUAGES or (
        not language
        and html.unescape(re.sub(r"<[^<>]*>", "", source[begins : begins + 200])).lstrip()[:1]
        in ("{", "[")
    )
    return bool(keys) and payload and api_reference(source)


def unescaped(source: str, start: int, value: str) -> str:
    """The address without the letter of an escape glued to it: `\\nsomeone@` in a
    serialised payload is `someone@`."""
    if start >= 1 and source[start - 1] == "\\" and value[:1] in ("n", "r", "t"):
        return value[1:]
    return value


def pii_in_sample_context(
    source: str, start: int, end: int, value: str, domains: Iterable[str] = ()
) -> bool:
    """Personal data written as a sample by its surroundings rather than by its own shape:
    the user part of a URL (`https://ci:TOKEN@host`), an address listed beside example-domain
    ones, one of a numbered series the article makes up (`lucia@`, `lucia2@`), the name the
    article gives someone at an example domain shown at another one, an address the words
    right before it show as the shape of one ("It might look like this:"), an account's
    handle in a field that holds one (`"acct": "name@server"`), an address its sentence
    gives as an example ("Enter an address, e.g. ...", "For example, if your friend's address
    is ..."), an address masked but for its end (`***lin@gmail.com`), data in the code of
    an article whose code runs against a local server (a tutorial's test requests), and a
    sample value of an API's payload (`_in_sample_payload`)."""
    if "@" in value:
        left = source[max(0, start - 200) : start]
        if left.rstrip("._+-").endswith(_MASKS):
            return True  # `***lin@gmail.com`: the start of the address is masked already
        if re.search(r"://[^\s/@]*:$", left):  # `scheme://user:secret@host`: URL credentials
            return True
        line_start = source.rfind("\n", max(0, start - 300), start) + 1
        line_end = source.find("\n", end, end + 300)
        line = source[line_start or max(0, start - 300) : line_end if line_end >= 0 else end + 300]
        if any(is_example_domain(a.rpartition("@")[2], domains) for a in _ADDRESS.findall(line)):
            return True
        local, _, host = value.rpartition("@")
        stem = local.rstrip("0123456789").lower()
        series = {
            a.rpartition("@")[0].lower()
            for a in _code_marks(source)[2]
            if a.lower().endswith("@" + host.lower())
        }
        if stem and sum(1 for a in series if a.rstrip("0123456789") == stem) >= 2:
            return True
        # the person the article makes up at an example domain, shown at a real provider
        # too (`alicja@example.com`, then "`alicja@gmail.com` need not be `alicja@yahoo.com`")
        if any(
            a.rpartition("@")[0].lower() == local.lower()
            and is_example_domain(a.rpartition("@")[2], domains)
            for a in _code_marks(source)[2]
        ):
            return True
        if _SHOWN_AS_EXAMPLE.search(source, max(0, start - 60), start):
            return True
        if _HANDLE_FIELD.search(source, max(0, start - 40), start):
            return True  # `"acct": "name@server"`: a social account's handle, not a mailbox
    if _given_as_example(source, start) and (
        "@" in value or _set_apart(source, start)
    ):  # "Phone: international format (e.g. `+373 ...`)", not "such as +44 ... for our customer"
        return True
    return (_code_marks(source)[1] and _in_code(source, start)) or _in_sample_payload(source, start)


def _set_apart(source: str, start: int) -> bool:
    """A value shown as a sample rather than told in a sentence: as code (`` `+373 ...` ``)
    or in brackets after its example marker ("(e.g. +373 ...)")."""
    before = source[max(0, start - 30) : start]
    return before.endswith("`") or "(" in before


def email_is_outsiders(address: str, named: Mapping[str, int], domains: Iterable[str] = ()) -> bool:
    """A person's address (`jennifer.okafor@brightlane-foods.com`) at a domain no other
    article names: someone outside the company and the products it documents, such as a
    customer quoted from a ticket. The company's own staff and its vendors' addresses sit
    at domains the KB names again and again."""
    # Imported here: kbaudit.text loads bs4, which `kbaudit rules` must not.
    from kbaudit.text import registrable_domain

    if email_is_sample(address, domains):
        return False
    return named.get(registrable_domain(address.rpartition("@")[2]), 0) <= 1


_BUSINESS_LINE = re.compile(
    r"(?i)\b(?:support|help\s?desk|helpline|hotline|sales|customer (?:service|care)|call us|"
    r"contact us|toll[- ]free|switchboard|reception|head office|office hours|our (?:phone|number))"
)


# A mailbox of a role, not a person (`contact@`, `support@`): the company's contact details.
_ROLE_MAILBOX = re.compile(
    r"(?i)\b(?:contact|support|info|hello|sales|help|service|office|team|enquiries|inquiries|"
    r"admin|billing|press|legal|privacy)@[\w-]+(?:\.[\w-]+)+"
)


def phone_is_undiallable(value: str) -> bool:
    """A +1 number the North American plan cannot route: not ten digits, or an area or
    exchange code starting with 0 or 1 (`+1 (123) 456-7890`, `+1 555 010 0000`), or an N11
    service code or an N9X area code. Templates and forms use such numbers; no person has one."""
    if not value.startswith("+1"):
        return False
    digits = re.sub(r"\D", "", value)[1:]
    if len(digits) != 10:
        return True
    area, exchange = digits[:3], digits[3:6]
    return (
        area[0] in "01"
        or area[1] == "9"
        or area[1:] == "11"
        or exchange[0] in "01"
        or exchange[1:] == "11"
    )


def phone_is_business_line(source: str, start: int) -> bool:
    """A number the company publishes (`Phone support: +1 ...`, `Call us on ...`, or in a
    contact block under a role mailbox: `contact@company.com`, then the number) is contact
    information, not a customer's personal data."""
    line_start = source.rfind("\n", 0, start) + 1
    before = re.sub(r"<[^>]*>", " ", source[max(line_start, start - 120) : start])
    if _BUSINESS_LINE.search(before):
        return True
    block_start = source.rfind("\n\n", max(0, start - 300), start)
    return bool(_ROLE_MAILBOX.search(source, max(block_start, start - 300, 0), start))


def card_in_context(source: str, start: int, end: int, value: str) -> bool:
    """A card number as a person writes one: not a piece of a URL, an id or a longer number,
    and either grouped like a card (4-4-4-4) or with card words nearby."""
    digits = re.sub(r"\D", "", value)
    if digits in TEST_CARDS or len(set(digits[:-1])) <= 2:
        return False
    before = source[start - 1] if start > 0 else " "
    after = source[end] if end < len(source) else " "
    if before.isalnum() or before in "/=#?&_-.:+$" or after.isalnum() or after in "/_-=":
        return False
    if after == "." and end + 1 < len(source) and source[end + 1].isdigit():
        return False
    window = source[max(0, start - 80) : end + 80]
    line_start = source.rfind("\n", 0, start) + 1
    prefix = source[line_start:start].lower()
    if re.search(r"(?:\bid|\bno|#|number|ref|order|ticket|invoice|account)\W{0,3}$", prefix):
        return bool(_CARD_WORDS.search(window))
    grouped = bool(re.fullmatch(r"\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5}", value))
    return grouped or bool(_CARD_WORDS.search(window))
