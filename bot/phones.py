"""Mainland China mobile numbers: validation, one canonical form, and masking.

Workers type numbers every which way ("138 1234 5678", "+86-138-1234-5678",
full-width digits) and Telegram's shared contacts come as "8613812345678".
Orders store the 11-digit form so admins and volunteers can dial it; places
that must not reveal it show ``mask_phone``.
"""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Separators people put inside numbers; anything else makes the input not a number.
_SEPARATORS = re.compile(r"[\s\-－—–().（）·]+")


def normalize_mobile(text: str | None) -> str | None:
    """The 11-digit mobile number in ``text`` (``+86``/``0086``/``86`` prefixes, spaces and
    dashes allowed), or None when ``text`` is not exactly one mainland mobile number."""
    if not text:
        return None
    s = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).strip())
    if s.startswith("+"):
        if not s.startswith("+86"):
            return None
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    return s if _MOBILE.fullmatch(s) else None


# A run of digits (maybe after "+") with the separators people put inside numbers.
_NUMBER_RUN = re.compile(r"\+?\d(?:[\s\-－—–().（）·]*\d)*")


def find_mobile(text: str | None) -> str | None:
    """The one mainland mobile number written inside a sentence ("我的手机是138 1234 5678",
    "13812345678 谢谢"), or None when there is none or more than one."""
    if not text:
        return None
    runs = _NUMBER_RUN.findall(unicodedata.normalize("NFKC", text))
    found = {phone for run in runs if (phone := normalize_mobile(run)) is not None}
    return found.pop() if len(found) == 1 else None


def is_mobile(text: str | None) -> bool:
    return normalize_mobile(text) is not None


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; anything shorter keeps only its last two digits."""
    if not phone:
        return ""
    digits = normalize_mobile(phone) or phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)
