"""Mainland China phone numbers: validation, one canonical form, and masking.

Workers type numbers every which way ("138 1234 5678", "+86-138-1234-5678",
full-width digits) and Telegram's shared contacts come as "8613812345678".
Orders store the 11-digit form of a mobile, or "0576-85123456" for a landline,
so admins and volunteers can dial it; places that must not reveal it show
``mask_phone``. ``check_phone`` says why a number is refused, so the dialog
can tell the person instead of asking again and again. Landlines and foreign
numbers are judged by Google's ``phonenumbers`` metadata, not by our own rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

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


# Why a number was refused (text keys ``phone.problem.<reason>``).
FOREIGN = "foreign"  # a real number, outside mainland China
NO_AREA_CODE = "no_area_code"  # 7–8 digits: a landline without its area code
NOT_A_NUMBER = "not_a_number"
SEVERAL = "several"  # more than one number in the message


@dataclass(frozen=True)
class PhoneCheck:
    """A usable number in canonical form, or the reason there is none."""

    phone: str | None
    problem: str | None = None


def check_phone(text: str | None) -> PhoneCheck:
    """A mainland mobile (``13812345678``) or landline (``0576-85123456``) typed alone or
    inside a sentence, or why not (:data:`FOREIGN`, :data:`NO_AREA_CODE`, ...)."""
    if not text:
        return PhoneCheck(None, NOT_A_NUMBER)
    if (mobile := normalize_mobile(text) or find_mobile(text)) is not None:
        return PhoneCheck(mobile)
    runs = [r for r in _NUMBER_RUN.findall(unicodedata.normalize("NFKC", text)) if _digits(r) >= 5]
    checks = {_check_run(run) for run in runs}
    usable = {c.phone for c in checks if c.phone}
    if len(usable) > 1:
        return PhoneCheck(None, SEVERAL)
    if usable:
        return PhoneCheck(usable.pop())
    for problem in (FOREIGN, NO_AREA_CODE):
        if any(c.problem == problem for c in checks):
            return PhoneCheck(None, problem)
    return PhoneCheck(None, NOT_A_NUMBER)


def _digits(run: str) -> int:
    return sum(ch.isdigit() for ch in run)


def _check_run(run: str) -> PhoneCheck:
    compact = _SEPARATORS.sub("", run)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    try:
        number = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        return PhoneCheck(None, NOT_A_NUMBER)
    if not phonenumbers.is_valid_number(number):
        if number.country_code == 86 and 7 <= len(str(number.national_number)) <= 8:
            return PhoneCheck(None, NO_AREA_CODE)
        return PhoneCheck(None, NOT_A_NUMBER)
    if phonenumbers.region_code_for_number(number) != "CN":
        return PhoneCheck(None, FOREIGN)
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return PhoneCheck(str(number.national_number))
    if kind in (
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        area, _, rest = national.partition(" ")
        return PhoneCheck(f"{area}-{rest.replace(' ', '')}")
    return PhoneCheck(None, NOT_A_NUMBER)  # 400 numbers, short codes: nobody to call back


def is_mobile(text: str | None) -> bool:
    return normalize_mobile(text) is not None


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``, ``0576-85123456`` → ``0576-****3456``; anything
    shorter keeps only its last two digits."""
    if not phone:
        return ""
    area, dash, line = phone.strip().partition("-")
    if dash and area.startswith("0") and area.isdigit() and line.isdigit() and len(line) >= 7:
        return f"{area}-****{line[-4:]}"
    digits = normalize_mobile(phone) or phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)
