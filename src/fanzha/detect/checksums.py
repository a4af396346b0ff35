"""Checksums that decide whether a digit string can be a bank card or a resident ID number."""

from __future__ import annotations

from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First digit of the GB/T 2260 region code: 1 North, 2 North-east, 3 East, 4 Central-south,
# 5 South-west, 6 North-west, 7 Taiwan, 8 HK/Macau (and foreigner permanent residence 9 is excluded).
_ID_REGIONS = frozenset("12345678")


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 12:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id_valid(value: str) -> bool:
    """GB 11643-1999 18-digit resident ID: region, birth date and ISO 7064 MOD 11-2 check character."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit() or value[0] not in _ID_REGIONS:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2100:
        return False
    return id_check_char(value[:17]) == value[17]
