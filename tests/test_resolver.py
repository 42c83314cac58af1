"""Model names to slugs (trendlab.aliases.Resolver): slugs first, then aliases, case and
surrounding spaces aside, never a guess; and the models an unresolved name is near."""

from __future__ import annotations

import polars as pl

from trendlab.aliases import Resolver


def test_a_slug_wins_over_an_alias_spelled_as_it():
    # Validation keeps an alias from shadowing a slug, but one written around it must
    # not take the slug's model away.
    resolver = Resolver.build(["alpha", "beta"], {"alpha": "beta", "Beta One": "beta"})
    assert resolver.resolve(["alpha", "beta one", "  Beta One  ", "BETA"]) == {
        "alpha": "alpha",
        "beta one": "beta",
        "  Beta One  ": "beta",
        "BETA": "beta",
    }


def test_two_models_whose_aliases_fold_to_one_name_leave_it_unresolved():
    resolver = Resolver.build(["m-a", "m-b"], {"Foo": "m-a", "FOO": "m-b"})
    # Spelled exactly, each alias is its model's; any other case is either of them.
    assert resolver.resolve(["Foo", "FOO", "foo"]) == {"Foo": "m-a", "FOO": "m-b", "foo": None}
    # And the hint names both, not the nearest of them, which would be a guess.
    assert resolver.hint(" foo") == (
        " (it matches 2 models ignoring case: 'FOO' (alias of m-b) and 'Foo' (alias of m-a);"
        " give one as it is written)"
    )


def test_an_alias_stored_with_spaces_around_it_resolves_without_them():
    resolver = Resolver.build(["m-a"], {" Weird One ": "m-a"})
    assert resolver.resolve(["weird one", "Weird One"]) == {"weird one": "m-a", "Weird One": "m-a"}


def test_an_unresolved_name_is_kept_as_given_for_the_caller_to_report():
    resolver = Resolver.build(["m-a"], {"Model A": "m-a"})
    frame = pl.DataFrame({"model": [" model a ", "nobody", "m-a"]})
    assert frame.select(resolver.slug_or_name("model"))["model"].to_list() == [
        "m-a",
        "nobody",
        "m-a",
    ]


def test_a_hint_names_an_alias_with_its_model():
    resolver = Resolver.build(["m-a"], {"Claude Opus": "m-a"})
    assert resolver.candidates("claude opsu") == ["Claude Opus"]
    assert resolver.hint("claude opsu") == " (did you mean 'Claude Opus' (alias of m-a)?)"
    assert resolver.hint("zzzzzz") == ""


def test_a_model_near_by_its_slug_and_an_alias_is_named_by_its_slug():
    resolver = Resolver.build(["widget-sev"], {"widget-seven": "widget-sev"})
    assert resolver.candidates("widget seven") == ["widget-seven", "widget-sev"]
    assert resolver.hint("widget seven") == " (did you mean 'widget-sev'?)"


def test_a_hint_lists_three_models_at_most():
    resolver = Resolver.build(["gamma1", "gamma2", "gamma3", "gamma4"], {})
    assert resolver.hint("gamma") == " (did you mean 'gamma4', 'gamma3' or 'gamma2'?)"


def test_a_model_near_by_several_aliases_leaves_room_for_another():
    resolver = Resolver.build(["m-a", "zeta-b"], {"zeta1": "m-a", "zeta2": "m-a", "zeta3": "m-a"})
    assert resolver.hint("zeta") == " (did you mean 'zeta3' (alias of m-a) or 'zeta-b'?)"


def test_an_alias_spelled_as_another_slug_is_hinted_as_that_slug():
    resolver = Resolver.build(["a-model", "b-model"], {"a-model": "b-model"})
    assert resolver.hint("a-modl") == " (did you mean 'a-model' or 'b-model'?)"


def test_a_name_in_another_unicode_form_of_an_alias_resolves_to_it():
    # Aliases are stored in NFKC form: a combining accent, full-width letters or a
    # no-break space typed for them look the same, and name the same alias.
    resolver = Resolver.build(["m-a"], {"Café Model": "m-a"})
    names = ["Cafe\u0301 Model", "ｃａｆé model", "Café\u00a0Model", "Cafe Model"]
    assert resolver.resolve(names) == dict(zip(names, ["m-a", "m-a", "m-a", None], strict=True))
