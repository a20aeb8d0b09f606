"""Reference data readers: GB/T 4754-2017, division codes, USCC check digit, the data-folder setting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianzhao.paths import DataDirError, data_dir, default_data_dir
from lianzhao.refdata.divisions import load_divisions
from lianzhao.refdata.gbt4754 import load_classification
from lianzhao.refdata.uscc import ALPHABET, check_character, uscc_error
from tests.conftest import needs_data


@needs_data
def test_the_classification_has_the_published_counts():
    c = load_classification()
    counts = {level: len(c.classes(level)) for level in (1, 2, 3, 4)}
    # GB/T 4754-2017: 20 门类, 97 大类, 473 中类, 1,381 小类 (see the data folder's PROVENANCE.md).
    assert counts == {1: 20, 2: 97, 3: 473, 4: 1381}
    assert c.get("3612").name == "新能源车整车制造"
    assert [a.code for a in c.ancestors("3612")] == ["C", "36", "361"]
    assert "9999" not in c and "3841" in c


@needs_data
def test_divisions_name_jimo_and_its_parents():
    d = load_divisions()
    assert d.get("370215").name == "即墨区"
    assert [x.code for x in d.path("370215")] == ["37", "3702", "370215"]
    assert d.full_name("370215") == "山东省青岛市即墨区"


def test_a_missing_data_folder_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("LIANZHAO_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(DataDirError, match="LIANZHAO_DATA_DIR"):
        data_dir()


def test_the_default_data_folder_is_beside_the_checkout(monkeypatch):
    monkeypatch.delenv("LIANZHAO_DATA_DIR", raising=False)
    assert default_data_dir().parts[-2:] == ("shared", "data")
    assert data_dir(must_exist=False) == default_data_dir()


def test_the_uscc_check_digit_follows_gb_32100():
    # Worked by hand with GB 32100-2015: weights 3^(i-1) mod 31, C18 = 31 - (sum mod 31).
    # 9·1 + 1·3 + 3·9 + 5·27 + 0 + 1·26 + 0 + 0 + 21·20 + 0 + 0 + 0 + 1·8 + 0 + 0 + 30·30 + 4·28
    # = 1640; 1640 mod 31 = 28; 31 - 28 = 3.
    assert check_character("91350100M000100Y4") == "3"
    assert uscc_error("91350100M000100Y43") is None


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 30))
def test_any_single_character_error_is_detected(first17, position, shift):
    code = first17 + check_character(first17)
    wrong_char = ALPHABET[(ALPHABET.index(code[position]) + shift) % 31]
    wrong = code[:position] + wrong_char + code[position + 1:]
    assert uscc_error(code) is None and uscc_error(wrong) is not None


@pytest.mark.parametrize(("code", "reason"), [
    ("123", "应为 18 位"),
    ("91350100M000100Y4I", "不允许的字符"),
])
def test_bad_usccs_are_explained(code, reason):
    assert reason in uscc_error(code)
