"""Parse the date formats exports really use."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from kbaudit.errors import KbauditError

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASH = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})[/.-](\d{4})\b")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})\b")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
# A time of day after a month-name date, as Notion writes "Last edited time: March 3, 2025
# 4:12 PM" (and its HTML export "@March 3, 2025 4:12 PM"), with an optional zone name.
_TIME_OF_DAY = re.compile(
    r"(?<=\d{4}),?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]\.?M\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?$",
    re.I,
)
# Spreadsheet serial dates (days since 1899-12-30, as Excel and Google Sheets store them and
# CSV exports of a sheet write them): 20,000-79,999 is 1954-2119. As epoch seconds those
# numbers would all fall on 1 January 1970, a date no article has.
_SERIAL_DAYS = (20_000, 80_000)
_SERIAL_EPOCH = dt.date(1899, 12, 30)
_FORMATS = (
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%a, %d %b %Y %H:%M:%S",
    "%Y%m%d",
)


# Month names and abbreviations in the languages help centers are exported in (English,
# German, French, Spanish, Dutch, Italian, Portuguese), accents folded; no two languages
# give one word different months.
_MONTH_WORDS = {
    1: "january jan januar janner janvier janv enero ene januari gennaio gen janeiro",
    2: "february feb februar fevrier fevr febrero februari febbraio fevereiro fev",
    3: "march mar marz mars marzo maart mrt marco",
    4: "april apr avril avr abril aprile",
    5: "may mai mayo mei maggio mag maio",
    6: "june jun juni juin junio giugno giu junho",
    7: "july jul juli juillet juil julio luglio lug julho",
    8: "august aug aout agosto augustus ago",
    9: "september sep sept septembre septiembre setiembre set settembre setembro",
    10: "october oct oktober okt octobre octubre ottobre ott outubro out",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez decembre diciembre dic dicembre dezembro",
}
_MONTHS = {word: month for month, words in _MONTH_WORDS.items() for word in words.split()}
_WORD = r"([^\W\d_]{3,10})\.?"
# "14. Mai 2024", "14 de mayo de 2024", "3 févr. 2023"; "mei 14, 2024" (Confluence's
# "MMM dd, yyyy" in the export's language); "2024年5月14日", "5月 14, 2024" (Japanese, Chinese)
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})\.?\s+(?:de\s+)?{_WORD}\s+(?:de\s+)?(\d{{4}})\b", re.I)
_MONTH_DAY = re.compile(rf"^{_WORD}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
# What `date` and C's ctime() write: "Sun Jan 13 18:33:27 2019 UTC", "Sun May 24 2026 UTC",
# "Tue Jan 13 18:33:27 UTC 2019" (a weekday, the month, the day, a time, the year, a zone).
_CTIME = re.compile(
    r"^[A-Za-z]{3},?\s+([A-Za-z]{3,9})\s+(\d{1,2}),?\s+(?:\d{1,2}:\d{2}(?::\d{2})?\s+)?"
    r"(?:[A-Z]{2,5}\s+)?(\d{4})(?:\s+[A-Z]{2,5})?$"
)
_CJK = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CJK_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2}),?\s*(\d{4})\b")


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _worded(text: str) -> dt.date | None:
    """A date written with a month name in one of the languages above, or in CJK numerals."""
    if m := _CJK.match(text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _CJK_MONTH_DAY.match(text):
        return dt.date(int(m[3]), int(m[1]), int(m[2]))
    if (m := _DAY_MONTH.match(text)) and (month := _MONTHS.get(_fold(m[2]))):
        return dt.date(int(m[3]), month, int(m[1]))
    if (m := _MONTH_DAY.match(text)) and (month := _MONTHS.get(_fold(m[1]))):
        return dt.date(int(m[3]), month, int(m[2]))
    return None


class DateError(KbauditError, ValueError):
    """A value is not a date kbaudit can read (the readers turn it into an INPUT004 problem)."""


def parse_date(value: object, order: str = "mdy") -> dt.date:
    """A date from a YAML date, ISO text, `05/01/2024` (`order` mdy or dmy), `01.05.2024`
    (day first), a month name (in English, German, French, Spanish, Dutch, Italian or
    Portuguese: `14. Mai 2024`, `14 de mayo de 2024`), `2024年5月14日`, epoch seconds/milliseconds or a spreadsheet serial date
    (45413 is 2024-05-01). Raises DateError with the
    value when it cannot."""
    try:
        return _parse(value, order)
    except DateError:
        raise
    except (ValueError, OverflowError, OSError) as exc:  # day 31 of February, year 0 ...
        raise DateError(f"{str(value)[:80]!r} is not a date ({exc})") from None


def _parse(value: object, order: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        if _SERIAL_DAYS[0] <= value < _SERIAL_DAYS[1]:
            return _SERIAL_EPOCH + dt.timedelta(days=int(value))
        seconds = float(value) / (1000 if value > 1e11 else 1)
        if 0 < seconds < 4e9:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
        raise DateError(f"{value!r} is not a date")
    text = str(value).strip()
    if text.isdigit() and len(text) >= 9:
        return _parse(int(text), order)
    if _SERIAL.match(text):
        days = float(text)
        if not _SERIAL_DAYS[0] <= days < _SERIAL_DAYS[1]:
            raise DateError(f"{text!r} is not a date kbaudit can read")
        return _SERIAL_EPOCH + dt.timedelta(days=int(days))
    if m := _ISO.match(text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _YMD_SLASH.match(text):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _SLASH.match(text):
        a, b, year = int(m[1]), int(m[3]), int(m[4])
        # dots are written day first (01.05.2024, as German or Russian software writes it)
        month, day = (a, b) if order == "mdy" and m[2] != "." else (b, a)
        if month > 12 and day <= 12:
            month, day = day, month
        return dt.date(year, month, day)
    if (m := _CTIME.match(text)) and m[1].lower() in _MONTHS:
        return dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.split(" GMT")[0]).strip().lstrip("@")
    cleaned = _TIME_OF_DAY.sub("", cleaned)
    cleaned = re.sub(r"\bSept\b\.?", "Sep", cleaned, flags=re.I)  # Confluence: "Sept 27, 2024"
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    worded = _worded(cleaned)
    if worded is not None:
        return worded
    raise DateError(f"{text[:80]!r} is not a date kbaudit can read")
