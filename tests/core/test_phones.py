"""bot.phones: mainland mobile numbers in every way people type them, and masking."""

from __future__ import annotations

import pytest

from bot.phones import (
    FOREIGN,
    NO_AREA_CODE,
    NOT_A_NUMBER,
    SEVERAL,
    check_phone,
    find_mobile,
    is_mobile,
    mask_phone,
    normalize_mobile,
)


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "8613812345678",  # how Telegram shares a contact
        "008613812345678",
        "１３８１２３４５６７８",  # full-width digits
        " 13812345678 ",
        "(138)1234-5678",
    ],
)
def test_typed_forms_normalise_to_eleven_digits(typed: str) -> None:
    assert normalize_mobile(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed",
    [
        None,
        "",
        "1381234567",
        "138123456789",
        "12812345678",
        "23812345678",
        "+1 415 555 0100",
        "+85291234567",
        "0571-87654321",
        "138abcd5678",
        "电话13812345678",
        "13812345678 或 13912345678",
        "8613812345678999",
    ],
)
def test_everything_else_is_refused(typed: str | None) -> None:
    assert normalize_mobile(typed) is None
    assert not is_mobile(typed)


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix(prefix: str) -> None:
    assert is_mobile(prefix + "912345678")


def test_mask() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""
    assert mask_phone("12345") == "***45"


@pytest.mark.parametrize(
    "typed",
    [
        "我的手机是13812345678",
        "13812345678 谢谢",
        "电话：138-1234-5678。",
        "手机号 +86 138 1234 5678，随时打",
        "3号楼，电话13812345678",
        "13812345678，就这个 13812345678",  # the same number twice is still one number
    ],
)
def test_one_mobile_inside_a_sentence_is_found(typed: str) -> None:
    assert find_mobile(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed",
    ["13812345678 或 13912345678", "0574-88888888", "138123456789", "没有手机", "", None],
)
def test_no_single_mobile_in_a_sentence(typed: str | None) -> None:
    assert find_mobile(typed) is None


@pytest.mark.parametrize(
    ("typed", "phone"),
    [
        ("13812345678", "13812345678"),
        ("我的手机 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0576-85123456", "0576-85123456"),  # a Taizhou landline
        ("057685123456", "0576-85123456"),
        ("（0576）8512 3456", "0576-85123456"),
        ("+86 576 8512 3456", "0576-85123456"),
        ("座机010-12345678", "010-12345678"),
        ("0571 87654321 找王经理", "0571-87654321"),
    ],
)
def test_mobiles_and_landlines_are_accepted(typed: str, phone: str) -> None:
    assert check_phone(typed).phone == phone


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("+85291234567", FOREIGN),  # Hong Kong: a real number, but not mainland
        ("+1 415 555 0100", FOREIGN),
        ("0044 20 7946 0958", FOREIGN),
        ("85123456", NO_AREA_CODE),  # a landline without its area code
        ("4008123123", NOT_A_NUMBER),  # a hotline nobody can be called back on
        ("12345", NOT_A_NUMBER),
        ("明天再说", NOT_A_NUMBER),
        ("", NOT_A_NUMBER),
        ("0576-85123456 或 0571-87654321", SEVERAL),
    ],
)
def test_refusals_say_why(typed: str, problem: str) -> None:
    checked = check_phone(typed)
    assert checked.phone is None and checked.problem == problem


def test_landlines_are_masked_keeping_the_area_code() -> None:
    assert mask_phone("0576-85123456") == "0576-****3456"
