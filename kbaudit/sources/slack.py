"""A Slack workspace export as a log of chat messages: `channels.json`, `users.json` and one
folder per channel of day files (`2024-03-04.json`, a JSON list of messages). Only the
channels' folders are read (`channels.json`, and `groups.json` for private channels; direct
messages are left out); a channel's own folder may be given instead, to read that channel.
The posts of the workspace's admins, owners and bots (`users.json`) are the team's, no
question; mentions and links are written as Slack shows them ("@kofi", the link's label)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kbaudit.errors import KbauditError

CHANNEL_LISTS = ("channels.json", "groups.json")
USERS = "users.json"
STAFF_FLAGS = ("is_admin", "is_owner", "is_primary_owner", "is_bot", "is_app_user")
MAX_DAY_FILE = 50_000_000  # bytes of one day file: a bigger one is no day of a channel

_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
_MENTION = re.compile(r"<@([A-Z0-9]{1,40})(?:\|([^<>|]{1,80}))?>")
_LINK = re.compile(r"<([#!]?)([^<>|\s]{1,2000})(?:\|([^<>]{1,200}))?>")


class SlackError(KbauditError):
    """A Slack export that cannot be read; the message says what to do."""


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SlackError(
            f"{path} is not readable JSON ({exc}); export the workspace again"
        ) from None


def _day_files(folder: Path) -> list[Path]:
    if folder.is_symlink() or not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if _DAY_FILE.fullmatch(p.name) and p.is_file() and not p.is_symlink()
    )


def is_export(folder: Path) -> bool:
    """A Slack export, or one channel's folder of it: day files, or the lists of channels
    and users beside channel folders."""
    if _day_files(folder):
        return True
    lists = any((folder / name).is_file() for name in CHANNEL_LISTS)
    return lists and (folder / USERS).is_file()


def _channel_folders(root: Path) -> list[Path]:
    """The folders of the export's channels, by the names its channel lists give."""
    names: list[str] = []
    for listing in (root / name for name in CHANNEL_LISTS):
        if listing.is_file():
            channels = _json(listing)
            if isinstance(channels, list):
                names += [
                    c["name"] for c in channels if isinstance(c, dict) and _is_name(c.get("name"))
                ]
    return [root / name for name in dict.fromkeys(names)]


def _is_name(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(value)
        and not any(c in value for c in "/\\\0")
        and value not in (".", "..")
    )


def _users(root: Path) -> tuple[set[str], dict[str, str]]:
    """The ids of the team's accounts (admins, owners, bots) and every user's shown name."""
    users = _json(root / USERS) if (root / USERS).is_file() else []
    staff: set[str] = set()
    names: dict[str, str] = {}
    for user in users if isinstance(users, list) else []:
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            continue
        if any(user.get(flag) is True for flag in STAFF_FLAGS):
            staff.add(user["id"])
        profile = user["profile"] if isinstance(user.get("profile"), dict) else {}
        shown = profile.get("display_name") or profile.get("real_name") or user.get("name")
        if isinstance(shown, str) and shown:
            names[user["id"]] = shown
    return staff, names


def _shown(text: str, names: dict[str, str]) -> str:
    """Slack's markup as it reads: "<@U02>" is "@kofi", "<https://...|the page>" "the page",
    "<#C05|help-desk>" "#help-desk", "<!here>" "@here"."""

    def link(found: re.Match[str]) -> str:
        sign = {"#": "#", "!": "@"}.get(found.group(1), "")
        return (
            sign + (found.group(3) or found.group(2)) if sign else found.group(3) or found.group(2)
        )

    text = _MENTION.sub(lambda m: "@" + (m.group(2) or names.get(m.group(1), m.group(1))), text)
    return _LINK.sub(link, text)


def export_messages(folder: Path) -> list[dict[str, Any]]:
    """Every message of the export's channels (or of the one channel `folder` is) that is
    not the team's, oldest day first; bots' posts, joins and replies in threads are left to
    the reader of the log."""
    if _day_files(folder):  # a channel's folder: the export's lists are one level up
        root, channels = folder.parent, [folder]
    else:
        root, channels = folder, _channel_folders(folder)
    staff, names = _users(root)
    messages: list[dict[str, Any]] = []
    for channel in channels:
        for day in _day_files(channel):
            if day.stat().st_size > MAX_DAY_FILE:
                raise SlackError(f"{day} is larger than a day of a channel; check the export")
            posts = _json(day)
            for post in posts if isinstance(posts, list) else []:
                if not isinstance(post, dict) or str(post.get("user")) in staff:
                    continue
                if isinstance(post.get("text"), str):
                    post = {**post, "text": _shown(post["text"], names)}
                messages.append(post)
    if not messages:
        raise SlackError(
            f"{folder}: no message of a customer in the Slack export's channels (channel "
            "folders of day files named in channels.json); check the export"
        )
    return messages
