"""The personal-data detectors: what they find, what they must not find."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.validate import pii


def kinds(text: str, names=None) -> list[str]:
    return [f.kind for f in pii.scan_text(text, names)]


# -- BSN ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bsn", ["111222333", "123456782", "1112.22.333", "999999990"])
def test_valid_bsn_is_found(bsn):
    assert pii.is_valid_bsn(bsn)
    assert kinds(f"mijn bsn is {bsn}, graag terugbellen") == ["bsn"]


@pytest.mark.parametrize("number", ["111222334", "123456789", "000000000", "12345678", "1234567890"])
def test_invalid_bsn_is_not_found(number):
    assert not pii.is_valid_bsn(number)
    assert "bsn" not in kinds(f"nummer {number}")


def _bsn_from(digits: list[int]) -> str | None:
    """Complete eight digits with the check digit that makes an 11-proof BSN (or None)."""
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True))
    last = total % 11
    return None if last > 9 else "".join(map(str, digits)) + str(last)


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8))
def test_every_11_proof_number_is_a_bsn(digits):
    bsn = _bsn_from(digits)
    if bsn is None or not any(int(c) for c in bsn):
        return
    assert pii.is_valid_bsn(bsn)
    assert "bsn" in kinds(f"BSN: {bsn}.")


@given(st.lists(st.integers(0, 9), min_size=8, max_size=8), st.integers(1, 9))
def test_a_wrong_check_digit_is_no_bsn(digits, shift):
    bsn = _bsn_from(digits)
    if bsn is None:
        return
    wrong = bsn[:8] + str((int(bsn[8]) + shift) % 10)
    if int(wrong[8]) == (sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True)) % 11):
        return
    assert not pii.is_valid_bsn(wrong)


# -- IBAN --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "iban", ["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "nl91abna0417164300", "NL20INGB0001234567"]
)
def test_valid_iban_is_found(iban):
    assert pii.is_valid_iban(iban)
    assert kinds(f"maak het over naar {iban} a.u.b.") == ["iban"]


@pytest.mark.parametrize("iban", ["NL92ABNA0417164300", "NL91ABNA0417164301", "NL91ABNA041716430"])
def test_invalid_iban_is_not_found(iban):
    assert "iban" not in kinds(f"rekening {iban}")


def test_iban_digits_are_not_also_a_phone_number():
    assert kinds("NL91 ABNA 0417 1643 00") == ["iban"]


# -- phone ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "phone",
    [
        "06-12345678",
        "0612345678",
        "06 1234 5678",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)6 1234 5678",
        "0031 6 12345678",
        "020-1234567",
        "(020) 123 4567",
        "030 - 2345678"[0:3] + "-2345678",
        "0595-123456",
    ],
)
def test_dutch_phone_numbers_are_found(phone):
    assert kinds(f"bel me op {phone} na vijven") == ["phone"]


@pytest.mark.parametrize(
    "text",
    [
        "op 01-05-2023 om 12:30",
        "in 2021-2022 en 2023",
        "€ 1.250.000 subvention",
        "bedrag: 1250000 euro",
        "06-1234567",  # one digit short
        "0612345678901",  # too long
        "versie 0.612345678",
        "4A2A54BB-9527-4095-8E2D-0612345678AB",
        "internal://02364225-75B4-4A3C-BDDD-95AE4B5F09D0.txt",
        "we zagen 120 mensen in 12 maanden",
    ],
)
def test_dates_amounts_and_ids_are_not_phone_numbers(text):
    assert "phone" not in kinds(text)
    assert "bsn" not in kinds(text)


# -- e-mail and address ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "mail", ["a.jansen@example.nl", "info+enquete@gemeente-utrecht.nl", "X_Y@sub.domain.org"]
)
def test_email_is_found(mail):
    assert kinds(f"mail: {mail}.") == ["email"]


@pytest.mark.parametrize("text", ["@gemeente op twitter", "e-mail volgt", "ik@ mail je"])
def test_no_email_without_an_address(text):
    assert "email" not in kinds(text)


@pytest.mark.parametrize("addr", ["1234 AB 12", "1234AB 12a", "Kerkstraat 12, 1234 AB Utrecht", "3511 BG 5"])
def test_postcode_with_house_number_is_found(addr):
    assert "address" in kinds(f"adres: {addr}")


@pytest.mark.parametrize("text", ["postcode 1234 AB", "in 2019 en 12 keer", "1234 mensen", "3511 SA 5"])
def test_postcode_alone_or_numbers_are_no_address(text):
    assert "address" not in kinds(text)


# -- names -----------------------------------------------------------------------------------------
def test_names_are_found_as_whole_words_case_sensitive():
    names = pii.compile_names(["Fatma", "Den Haag", "Roos"])
    assert kinds("Fatma woont in Den Haag", names) == ["name", "name"]
    assert kinds("Fatmaatje en de roos in denhaag", names) == []


def test_read_names_skips_comments(tmp_path):
    path = tmp_path / "namen.txt"
    path.write_text("# pseudoniemen\nFatma\n\n  Den Haag  # plaats\n", encoding="utf-8")
    assert pii.read_names(path) == ["Fatma", "Den Haag"]


def test_findings_carry_no_text():
    finding = pii.scan_text("bel 06-12345678")[0]
    assert set(vars(finding)) == {"kind", "start", "end"}


# -- series ----------------------------------------------------------------------------------------
def test_scan_series_reports_rows_per_kind():
    s = pd.Series(
        ["geen bijzonderheden", None, "mail a@b.nl", "bsn 111222333 en a@b.nl", "", "Fatma belde"],
        dtype="string",
    )
    found = pii.scan_series(s, ["Fatma"])
    assert found == {"email": [2, 3], "bsn": [3], "name": [5]}


def test_scan_series_on_a_large_clean_column_is_fast():
    import time

    s = pd.Series(
        [f"Goede samenwerking, {i} verwijzingen in 2023, € 1.500 subsidie." for i in range(100_000)]
    )
    t = time.perf_counter()
    assert pii.scan_series(s, ["Fatma", "Den Haag"]) == {}
    assert time.perf_counter() - t < 10


def test_free_text_heuristic():
    assert pii.looks_like_free_text(pd.Series(["Wij werken al jaren goed samen met het wijkteam."]))
    assert not pii.looks_like_free_text(pd.Series(["Amsterdam", "Den Haag", "Interview 01 - Thijs"]))
