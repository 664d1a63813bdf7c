import pytest
from django.core.exceptions import ValidationError

from pacesetter.coverage.codes import check_character, normalized, validate_credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "914403001922038216"])
def test_published_codes_pass(code):
    validate_credit_code(code)


def test_the_check_character_is_computed_over_the_first_seventeen():
    assert check_character("91350100M000100Y4") == "3"


def test_spaces_and_hyphens_are_dropped_and_letters_raised():
    assert normalized(" 9135 0100-m000100y43 ") == "91350100M000100Y43"
    validate_credit_code("9135 0100 m000100y43")


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100YI3", "credit_code_characters"),
        ("913501A0M000100Y43", "credit_code_division"),
        ("91350100M000100Y44", "credit_code_check"),
    ],
)
def test_mistyped_codes_are_refused_with_what_is_wrong(code, error):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == error


def test_a_swap_of_two_characters_is_caught():
    code = "91350100M000100Y43"
    swapped = code[:8] + code[9] + code[8] + code[10:]
    assert swapped != code
    with pytest.raises(ValidationError):
        validate_credit_code(swapped)
