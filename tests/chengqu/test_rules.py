import pytest

from chengqu.common import DomainError
from chengqu.rules import dec, load_table


def test_a_missing_rule_table_is_a_clear_error():
    with pytest.raises(DomainError) as caught:
        load_table("no_such_table")
    assert caught.value.code == "rules.missing"


def test_rule_numbers_must_be_strings_so_they_stay_exact():
    with pytest.raises(DomainError):
        dec(0.1, where="test")
    assert str(dec("0.0002")) == "0.0002"


def test_every_shipped_rule_table_names_its_document():
    from importlib import resources

    names = [
        f.name[:-5] for f in resources.files("chengqu.rules").iterdir() if f.name.endswith(".toml")
    ]
    assert "calendar" in names
    for name in names:
        table = load_table(name)  # raises for a table without number/title/effective
        if name != "calendar":
            assert table["document"]["number"]
